"use client";

import { useFormatter, useTranslations } from "next-intl";
import { usePreferences } from "@/app/lib/preferences-context";
import { SignOut } from "@/app/lib/sign-out";
import { callOutcome, rowStatus } from "@/server/domain/figures";
import type { BoardCall } from "@/server/domain/model";
import { agentStatus, holdsCall, isStuck, type AgentStatus } from "./board-state";
import { formatDuration, LiveTimer, setClockOffset } from "./live-timer";
import { LINK_STYLE, STATUS_STYLE } from "./styles";
import { useBoard, useNow } from "./use-board";


const BUSY: AgentStatus[] = ["ringing", "on_hold", "on_call", "paused", "available", "logged_out"];


/** The row's outcome, in the viewer's words; on a live call the agent is no longer on, what happened to their part of it. */
function Outcome({ call, stuck, mine }: { call: BoardCall; stuck: boolean; mine: string[] }) {
  const t = useTranslations("board");
  const tc = useTranslations("call");
  if (stuck) return <>{t("agentView.noNews")}</>;
  if (call.state !== "ended" && !mine.some((id) => holdsCall(call, id))) {
    const leg = call.legs.find((l) => l.agentId !== null && mine.includes(l.agentId));
    return <>{leg?.endReason === "answered_elsewhere" ? t("agentView.answeredElsewhere") : leg?.answeredAt ? t("agentView.handedOver") : t("agentView.ended")}</>;
  }
  const status = rowStatus(call.state, callOutcome(call), call.endReason);
  return <>{status.kind === "outcome" ? tc(`outcome.${status.id}`) : tc(`state.${status.id}`)}</>;
}

/** What an agent keeps on their second screen: their state, their current call, and their calls of today. */
export function AgentView({ name }: { name: string }) {
  const t = useTranslations("board");
  const format = useFormatter();
  const { timeZone } = usePreferences();
  // Times in the viewer's zone, with the zone named once in the column's heading.
  const clock = (ms: number) => format.dateTime(new Date(ms), { hour: "2-digit", minute: "2-digit", timeZone });
  const zoneName = format.dateTime(new Date(), { timeZoneName: "short", timeZone }).split(" ").at(-1);
  const { state, status } = useBoard();
  setClockOffset(state.clockOffset);
  const now = useNow(state.clockOffset, 5000);
  const calls = [...state.calls.values()].sort((a, b) => b.startedAt - a.startedAt);
  // One person can have an identity on several connections: show the busiest.
  const statuses = [...state.agents.values()].map((agent) => agentStatus(agent, calls, now, state.settings.stuckMs));
  const current = statuses.sort((a, b) => BUSY.indexOf(a.status) - BUSY.indexOf(b.status))[0];
  const today = Object.values(state.stats?.agents ?? {}).reduce((sum, day) => ({ answered: sum.answered + day.answered, missed: sum.missed + day.missed }), { answered: 0, missed: 0 });
  const call = current?.call ?? null;
  const mine = [...state.agents.keys()];
  const style = STATUS_STYLE[current?.status ?? "available"];

  return (
    <main className="mx-auto max-w-3xl p-4">
      <header className="mb-4 flex items-center gap-3">
        <h1 className="text-xl font-bold">{t("agentView.title")}</h1>
        <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${LINK_STYLE[status]}`} data-testid="link-status" data-status={status}>
          {t(`link.${status}`)}
        </span>
        <a href="/history" className="ml-auto text-sm text-sky-800 underline">
          {t("nav.history")}
        </a>
        <SignOut user={{ name, role: "agent" }} className="" />
      </header>

      {!state.ready ? (
        <p className="text-slate-600">{t("connecting")}</p>
      ) : state.agents.size === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-6 text-slate-600">
          {t("agentView.notLinked")}
        </p>
      ) : (
        <>
          <section className={`mb-4 rounded-lg p-4 ring-1 ${style}`} aria-label={t("agentView.myState")} data-testid="agent-view-status" data-status={current?.status}>
            <div className="flex items-baseline gap-3">
              <span className="text-2xl font-bold">
                {t(`status.${current?.status ?? "available"}`)}
                {current?.pauseReason ? `: ${current.pauseReason}` : ""}
              </span>
              {current ? <LiveTimer since={current.since} testId="agent-view-timer" /> : null}
              <span className="ml-auto text-sm" data-testid="agent-view-today">
                {t("agentView.today", { answered: today.answered, missed: today.missed })}
              </span>
            </div>
            {call ? (
              <div className="mt-3 rounded-md bg-white/70 p-3 text-slate-900" data-testid="agent-view-call">
                <div className="text-lg font-semibold">
                  {call.direction === "outbound" ? t("agentView.calling", { number: call.to ?? t("calls.unknown") }) : t("agentView.from", { number: call.from ?? t("calls.unknown") })}
                </div>
                <div className="text-sm text-slate-600">
                  {[t(`calls.direction.${call.direction}`), call.queueId ? state.queues.get(call.queueId)?.name : null, call.provider].filter(Boolean).join(" · ")}
                  {call.answeredAt ? (
                    <>
                      {` · ${t("agentView.talk")} `}
                      <LiveTimer since={call.answeredAt} />
                    </>
                  ) : null}
                </div>
              </div>
            ) : null}
          </section>

          <section aria-label={t("agentView.todaysCalls")}>
            <h2 className="mb-2 font-semibold">{t("agentView.todayHeading")}</h2>
            {calls.length === 0 ? (
              <p className="text-sm text-slate-600">{t("agentView.noCalls")}</p>
            ) : (
              <table className="w-full text-sm">
                <thead>
                  <tr className="border-b border-slate-300 text-left text-slate-600">
                    <th className="py-1">
                      {t("agentView.column.time")} <span className="font-normal">({zoneName})</span>
                    </th>
                    <th>{t("agentView.column.number")}</th>
                    <th>{t("agentView.column.queue")}</th>
                    <th>{t("agentView.column.outcome")}</th>
                    <th className="text-right">{t("agentView.column.talk")}</th>
                  </tr>
                </thead>
                <tbody>
                  {calls.map((c) => {
                    const stuck = isStuck(c, now, state.settings.stuckMs);
                    return (
                      <tr key={c.id} className="border-b border-slate-200" data-testid="call" data-call-key={c.key} data-state={stuck ? "stuck" : c.state} data-outcome={c.state === "ended" ? (callOutcome(c) ?? undefined) : undefined}>
                        <td className="py-1.5 tabular-nums">{clock(c.startedAt)}</td>
                        <td>
                          <span className="text-slate-600">{c.direction === "inbound" ? "↙ " : c.direction === "outbound" ? "↗ " : "↔ "}</span>
                          {c.direction === "outbound" ? c.to : c.from}
                        </td>
                        <td>{c.queueId ? state.queues.get(c.queueId)?.name : ""}</td>
                        <td>
                          <Outcome call={c} stuck={stuck} mine={mine} />
                        </td>
                        <td className="text-right font-mono tabular-nums">
                          {c.state === "ended" ? formatDuration((c.talkSeconds ?? 0) * 1000) : c.answeredAt ? <LiveTimer since={c.answeredAt} /> : ""}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </main>
  );
}
