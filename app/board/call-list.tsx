"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useTranslations } from "next-intl";
import { memo, useRef, useState } from "react";
import { callOutcome, callPhase, rowStatus, type CallPhase } from "@/server/domain/figures";
import type { BoardCall } from "@/server/domain/model";
import { formatDuration, LiveTimer } from "./live-timer";
import type { CallNames } from "./roster";
import { PHASE_STYLE } from "./styles";

/** Ended calls shown before "show more": the last few minutes, at most this many. */
const ENDED_SHOWN = 5;
const ENDED_RECENT_MS = 180_000;

function CallTimer({ call, phase }: { call: BoardCall; phase: CallPhase }) {
  const t = useTranslations("board");
  const tc = useTranslations("call");
  if (phase === "stuck") return <LiveTimer since={call.facts.receivedAt ?? call.updatedAt} prefix={`${t("phase.stuck")} `} testId="call-timer" />;
  if (phase === "ended") {
    const talk = call.talkSeconds ?? 0;
    const status = rowStatus(call.state, callOutcome(call), call.endReason);
    return <span data-testid="call-timer">{talk > 0 && call.endReason !== "no_end_received" ? t("calls.talked", { duration: formatDuration(talk * 1000) }) : (status.kind === "outcome" ? tc(`outcome.${status.id}`) : tc(`state.${status.id}`))}</span>;
  }
  return <LiveTimer since={phase === "waiting" || phase === "ringing" ? call.startedAt : (call.answeredAt ?? call.startedAt)} testId="call-timer" />;
}

/** Whom a waiting call is ringing now (the agents of its ringing legs). */
const ringingAgents = (call: BoardCall, agentName: (id: string | null) => string | null) =>
  call.legs.filter((leg) => leg.role === "agent" && leg.state === "ringing").map((leg) => agentName(leg.agentId)).filter(Boolean);

/**
 * One call. Memoized on plain values: with a thousand calls on the board, an update re-renders only the rows whose call
 * changed; the timer ticks on its own (LiveTimer).
 */
const CallRow = memo(function CallRow({ call, phase, agent, queue, ringing }: { call: BoardCall; phase: CallPhase; agent: string | null; queue: string | null; ringing: string }) {
  const t = useTranslations("board");
  const style = PHASE_STYLE[phase];
  return (
    <div role="listitem" className="border-t border-slate-200 text-sm" data-testid="call" data-call-key={call.key} data-call-id={call.id} data-state={phase === "stuck" ? "stuck" : call.state} data-phase={phase} data-queue-id={call.queueId ?? "none"} data-project-id={call.projectId ?? "none"} data-outcome={call.state === "ended" ? (callOutcome(call) ?? undefined) : undefined}>
      {/* Every row opens its call: parties, legs, timeline. */}
      <a href={`/history/${call.id}`} className="flex items-center gap-2 px-2 py-2 hover:bg-slate-50" data-testid="call-link">
        <span className={`w-[5.5rem] shrink-0 rounded px-1.5 py-0.5 text-center text-xs font-semibold ring-1 ${style}`}>{t(`phase.${phase}`)}</span>
        <span className="w-4 shrink-0 text-center text-slate-600" title={t(`calls.direction.${call.direction}`)} aria-label={t(`calls.direction.${call.direction}`)} data-direction={call.direction}>
          {call.direction === "inbound" ? "↙" : call.direction === "outbound" ? "↗" : "↔"}
        </span>
        <span className="min-w-0 flex-1">
          <span className="flex flex-wrap gap-x-1">
            <span className="font-medium whitespace-nowrap">{call.from ?? t("calls.unknown")}</span>
            <span className="text-slate-600" aria-hidden>→</span>
            <span className="font-medium whitespace-nowrap">{call.to ?? t("calls.unknown")}</span>
          </span>
          <span className="block text-xs text-slate-600">
            {[ringing ? t("calls.ringingAgents", { names: ringing }) : agent, queue, call.provider].filter(Boolean).join(" · ")}
          </span>
        </span>
        <span className="shrink-0 text-right font-mono text-xs tabular-nums text-slate-800 sm:text-sm">
          <CallTimer call={call} phase={phase} />
        </span>
      </a>
    </div>
  );
});

/**
 * The calls: live ones first (waiting callers, longest wait first), then the ended ones of the last few minutes, newest
 * first, with "show more" for the rest the board still holds. Every row opens its call page.
 */
/** `replay`: the board of a past moment (the time machine): its calls were live then, not now. */
export function CallList({ calls, now, stuckMs, names, agentName, replay = false }: { calls: BoardCall[]; now: number; stuckMs: number; names: CallNames; agentName: (id: string | null) => string | null; replay?: boolean }) {
  const t = useTranslations("board");
  const [showAll, setShowAll] = useState(false);
  const live = calls.filter((call) => call.state !== "ended");
  const ended = calls.filter((call) => call.state === "ended");
  const recentEnded = ended.filter((call, index) => index < ENDED_SHOWN && (call.endedAt ?? call.updatedAt) >= now - ENDED_RECENT_MS);
  const endedShown = showAll ? ended : recentEnded;
  // One list of rows (live calls, the "just ended" divider, ended calls), virtualised: a centre can hold a thousand live
  // calls, and only the rows in view (plus a generous margin) are in the page.
  const items: (BoardCall | "divider")[] = [...live, ...(endedShown.length > 0 ? (["divider"] as const) : []), ...endedShown];
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 52,
    overscan: 40,
    getItemKey: (index) => {
      const item = items[index]!;
      return item === "divider" ? "divider" : item.id;
    },
  });
  return (
    <section className="flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white" aria-label={t("calls.title")} data-testid="call-list">
      <h2 className="border-b border-slate-200 px-2 py-2 font-semibold">
        {t("calls.title")} <span className="text-sm font-normal text-slate-600">{t(replay ? "calls.then" : "calls.live", { count: live.length })}</span>
      </h2>
      {live.length === 0 ? <p className="px-3 py-4 text-sm text-slate-600" data-testid="no-live-calls">{t(replay ? "calls.noneThen" : "calls.none")}</p> : null}
      <div ref={scroller} className="max-h-[70vh] overflow-y-auto">
        <div role="list" aria-label={t("calls.title")} style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((v) => {
            const item = items[v.index]!;
            return (
              <div key={v.key} data-index={v.index} ref={virtual.measureElement} style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}>
                {item === "divider" ? (
                  <div className="border-t border-slate-300 bg-slate-50 px-2 py-1 text-[11px] uppercase tracking-wide text-slate-600" role="listitem">
                    {t("calls.justEnded")}
                  </div>
                ) : (
                  <CallRow call={item} phase={callPhase(item, now, stuckMs)} agent={names.handledBy(item)} queue={names.queueName(item.queueId)} ringing={ringingAgents(item, agentName).join(", ")} />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {ended.length > recentEnded.length ? (
        <button type="button" className="border-t border-slate-200 px-2 py-1.5 text-left text-sm text-sky-800 hover:underline" onClick={() => setShowAll(!showAll)} data-testid="show-more-ended">
          {showAll ? t("calls.showFewer") : t("calls.showMore", { count: ended.length - recentEnded.length })}
        </button>
      ) : null}
    </section>
  );
}
