"use client";

import { memo, type ReactNode } from "react";
import type { GroupLevels, Level, Metric } from "@/server/domain/thresholds";
import type { HeaderRow, Lens } from "./board-state";
import { formatDuration, LiveTimer } from "./live-timer";
import { LEVEL_STYLE } from "./styles";

const LEVEL_TEXT: Record<Level, string> = { ok: "", amber: "warning", red: "alert" };

/** The columns of the supervisor header, in order. `metric` ties a column to its threshold. */
const COLUMNS: { id: string; label: string; metric?: Metric }[] = [
  { id: "waiting", label: "Waiting", metric: "waiting" },
  { id: "longest-wait", label: "Longest wait", metric: "longestWait" },
  { id: "service-level", label: "Service level", metric: "serviceLevel" },
  { id: "answered", label: "Answered" },
  { id: "abandoned", label: "Abandoned", metric: "abandonedLastHour" },
  { id: "missed", label: "Missed" },
  { id: "agents", label: "Agents free · on call · paused", metric: "agentsAvailable" },
  { id: "handle", label: "Avg handle" },
  { id: "wait", label: "Avg wait" },
];

/** One grid for the column heads, the rows and the totals: columns on a wide screen, a card per row on a phone. */
const GRID = "grid grid-cols-3 gap-x-3 gap-y-2 md:grid-cols-[minmax(9rem,1.6fr)_repeat(6,minmax(4.5rem,1fr))_minmax(9rem,1.4fr)_repeat(2,minmax(4.5rem,1fr))] md:items-center md:gap-y-0";

const seconds = (value: number | null | undefined) => (value == null ? "–" : formatDuration(value * 1000));

function Cell({ id, label, level, children, title }: { id: string; label: string; level?: Level; children: ReactNode; title?: string }) {
  return (
    <div className={`min-w-0 rounded px-1.5 py-1 tabular-nums ${level ? LEVEL_STYLE[level] : ""}`} data-metric={id} data-level={level ?? "ok"} title={title}>
      <div className="text-[11px] uppercase tracking-wide md:hidden">{label}</div>
      <div className="font-semibold" data-testid={`figure-${id}`} data-level={level ?? "ok"}>
        {children}
      </div>
      {level && level !== "ok" ? <span className="sr-only"> ({LEVEL_TEXT[level]})</span> : null}
    </div>
  );
}

function Figures({ row, serviceLevelSeconds }: { row: HeaderRow; serviceLevelSeconds: number }) {
  const { figures } = row;
  const level = (metric: Metric) => (row.levels ? (row.levels as GroupLevels)[metric] : undefined);
  const today = figures.today;
  const agents = figures.agents;
  return (
    <>
      <Cell id="waiting" label="Waiting" level={level("waiting")}>
        {figures.waiting}
        {figures.ringing > 0 ? <span className="ml-1 text-xs font-normal">({figures.ringing} ringing)</span> : null}
      </Cell>
      <Cell id="longest-wait" label="Longest wait" level={level("longestWait")}>
        {figures.longestWaitSince === null ? "–" : <LiveTimer since={figures.longestWaitSince} />}
      </Cell>
      <Cell id="service-level" label={`Service level ${serviceLevelSeconds}s`} level={level("serviceLevel")}>
        {today?.serviceLevel == null ? "–" : `${today.serviceLevel}%`}
      </Cell>
      <Cell id="answered" label="Answered">{today?.answered ?? 0}</Cell>
      <Cell id="abandoned" label="Abandoned" level={level("abandonedLastHour")} title={`${today?.abandonedLastHour ?? 0} in the last hour`}>
        {today?.abandoned ?? 0}
        {today?.abandonedLastHour ? <span className="ml-1 text-xs font-normal">({today.abandonedLastHour} last h)</span> : null}
      </Cell>
      <Cell id="missed" label="Missed">{today?.missed ?? 0}</Cell>
      <Cell id="agents" label="Agents free · on call · paused" level={level("agentsAvailable")}>
        {agents ? (
          <span>
            <span data-testid="agents-available">{agents.available}</span> · <span data-testid="agents-on-call">{agents.onCall}</span> ·{" "}
            <span data-testid="agents-paused">{agents.paused}</span>
            {agents.topPauseReason ? <span className="ml-1 text-xs font-normal" data-testid="top-pause-reason">({agents.topPauseReason})</span> : null}
          </span>
        ) : (
          "–"
        )}
      </Cell>
      <Cell id="handle" label="Avg handle">{seconds(today?.averageHandleSeconds)}</Cell>
      <Cell id="wait" label="Avg wait">{seconds(today?.averageWaitSeconds)}</Cell>
    </>
  );
}

const Row = memo(
  function Row({ row, serviceLevelSeconds, totals }: { row: HeaderRow; serviceLevelSeconds: number; totals?: boolean; renderKey: string }) {
    return (
      <div
        className={`${GRID} border-t border-slate-200 px-2 py-2 text-sm first:border-t-0 ${totals ? "bg-slate-100 font-semibold" : ""}`}
        role="row"
        data-testid={totals ? "totals-row" : "group"}
        data-group-id={row.id}
        data-group-title={row.title}
      >
        <div className="col-span-3 min-w-0 font-semibold md:col-span-1" role="rowheader">
          <span className="break-words">{row.title}</span>
        </div>
        <Figures row={row} serviceLevelSeconds={serviceLevelSeconds} />
      </div>
    );
  },
  (a, b) => a.renderKey === b.renderKey && a.serviceLevelSeconds === b.serviceLevelSeconds,
);

/** What a row shows, as plain values: a row re-renders only when one of them changed. */
const rowKey = (row: HeaderRow) => JSON.stringify([row.title, row.figures, row.levels]);

export function QueueHeader({ rows, totals, lens, serviceLevelSeconds }: { rows: HeaderRow[]; totals: HeaderRow; lens: Lens; serviceLevelSeconds: number }) {
  return (
    <section className="overflow-hidden rounded-lg border border-slate-200 bg-white" aria-label={lens === "queue" ? "Queues" : "Projects"} data-testid="queue-header" role="table">
      <div className={`${GRID} hidden border-b border-slate-200 bg-slate-50 px-2 py-1.5 text-[11px] uppercase tracking-wide text-slate-600 md:grid`} role="row">
        <div role="columnheader">{lens === "queue" ? "Queue" : "Project"}</div>
        {COLUMNS.map((column) => (
          <div key={column.id} role="columnheader" className="px-1.5">
            {column.id === "service-level" ? `SL ${serviceLevelSeconds}s` : column.label}
          </div>
        ))}
      </div>
      <Row row={totals} serviceLevelSeconds={serviceLevelSeconds} totals renderKey={rowKey(totals)} />
      {rows.map((row) => (
        <Row key={row.id} row={row} serviceLevelSeconds={serviceLevelSeconds} renderKey={rowKey(row)} />
      ))}
    </section>
  );
}
