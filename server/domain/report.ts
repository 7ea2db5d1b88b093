import type { Sums } from "./rollup";
import { emptyCounts, withAverages } from "./stats";

/**
 * The figures a centre reports on, per interval, queue, project or in total, from roll-up sums (rollup.ts): the
 * board's day figures (DayCounts, stats.ts: offered, answered, missed, abandoned, service level, average wait and
 * handle time, counted inbound by each call's outcome) over any range, plus what only a report shows: abandons within
 * the first seconds apart, and the average speed of answer. Pure.
 */
export interface ReportFigures {
  /** Inbound calls with an outcome: answered + missed + abandoned (the service level's denominator). */
  offered: number;
  answered: number;
  missed: number;
  abandoned: number;
  /** Of `abandoned`, callers who gave up within SHORT_ABANDON_SECONDS. */
  shortAbandoned: number;
  /** % of offered answered within the threshold, as the board's; null with nothing offered. */
  serviceLevel: number | null;
  /** Average speed of answer: start to answer of answered inbound calls (seconds, rounded). */
  averageAnswerSeconds: number | null;
  /** The board's average wait (until answered or until the caller left) and handle (talk) time. */
  averageWaitSeconds: number | null;
  averageHandleSeconds: number | null;
  /** The longest of those waits (seconds); null when no call waited. */
  longestWaitSeconds: number | null;
  /** Outbound calls with an outcome, and of those answered. */
  outbound: number;
  outboundAnswered: number;
}

export function reportFigures(sums: Sums): ReportFigures {
  const counts = withAverages({
    ...emptyCounts(),
    answered: sums.inboundAnswered,
    missed: sums.inboundMissed,
    abandoned: sums.inboundAbandoned,
    answeredInTime: sums.answeredInTime,
    outbound: sums.outbound,
    outboundAnswered: sums.outboundAnswered,
    handled: sums.handled,
    handleSeconds: sums.handleSeconds,
    waited: sums.waited,
    waitSeconds: sums.waitSeconds,
  });
  return {
    offered: counts.answered + counts.missed + counts.abandoned,
    answered: counts.answered,
    missed: counts.missed,
    abandoned: counts.abandoned,
    shortAbandoned: sums.shortAbandoned,
    serviceLevel: counts.serviceLevel,
    averageAnswerSeconds: counts.answered === 0 ? null : Math.round(sums.answerDelay / counts.answered),
    averageWaitSeconds: counts.averageWaitSeconds,
    averageHandleSeconds: counts.averageHandleSeconds,
    longestWaitSeconds: counts.waited === 0 ? null : sums.longestWait,
    outbound: counts.outbound,
    outboundAnswered: counts.outboundAnswered,
  };
}

/** An agent's figures over a range: their parts (a leg each), answered and missed as the board's agent cards, talk time. */
export interface AgentReportFigures {
  parts: number;
  answered: number;
  missed: number;
  talkSeconds: number;
  averageHandleSeconds: number | null;
}

export function agentReportFigures(sums: Sums): AgentReportFigures {
  return {
    parts: sums.calls,
    answered: sums.answered,
    missed: sums.missed,
    talkSeconds: sums.handleSeconds,
    averageHandleSeconds: sums.handled === 0 ? null : Math.round(sums.handleSeconds / sums.handled),
  };
}
