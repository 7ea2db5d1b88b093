"use client";

import { getCoreRowModel, getSortedRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useTranslations } from "next-intl";
import { memo, useMemo, useRef, useState } from "react";
import type { AgentStatus } from "@/server/domain/agent-status";
import type { BoardCall } from "@/server/domain/model";
import { shownExtension } from "@/server/domain/names";
import type { RosterRow } from "./board-state";
import { formatDuration, LiveTimer } from "./live-timer";
import { STATUS_STYLE } from "./styles";

export interface CallNames {
  /** Who had the call, "A → B" after a transfer. */
  handledBy: (call: BoardCall) => string | null;
  queueName: (id: string | null) => string | null;
}

/** The order a supervisor scans: who needs them first (ringing, on hold, on a call), then free, paused, gone. */
const STATUS_ORDER: Record<AgentStatus, number> = { ringing: 0, on_hold: 1, on_call: 2, available: 3, paused: 4, logged_out: 5 };

/** Status filter: "busy" groups ringing, on a call and on hold. */
type StatusFilter = "all" | "available" | "busy" | "paused" | "logged_out";
const FILTERS: StatusFilter[] = ["all", "available", "busy", "paused", "logged_out"];
const passes = (filter: StatusFilter, status: AgentStatus) =>
  filter === "all" || (filter === "busy" ? status === "ringing" || status === "on_call" || status === "on_hold" : status === filter);

/** Desktop: one line in columns; phone: a name line and a details line. Same DOM either way. */
const GRID = "grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 md:grid-cols-[minmax(7rem,1.3fr)_8rem_4.5rem_minmax(8rem,2fr)_repeat(3,5.5rem)] md:items-center";

/** The sortable columns; each one's heading is `board.roster.column.<id>`. */
const COLUMNS: ColumnDef<RosterRow>[] = [
  { id: "agent", accessorFn: (row) => row.title.toLowerCase() },
  { id: "state", accessorFn: (row) => STATUS_ORDER[row.status.status] },
  // Ascending = longest in state first (the earliest "since").
  { id: "since", accessorFn: (row) => row.status.since },
  { id: "call", accessorFn: (row) => row.status.call?.startedAt ?? Number.MAX_SAFE_INTEGER },
  { id: "answered", accessorFn: (row) => row.today?.answered ?? 0 },
  { id: "missed", accessorFn: (row) => row.today?.missed ?? 0 },
  { id: "talk", accessorFn: (row) => row.today?.talkSeconds ?? 0 },
];

const Line = memo(
  function Line({ row, names }: { row: RosterRow; names: CallNames; renderKey: string }) {
    const t = useTranslations("board");
    const { status, today, agent } = row;
    const style = STATUS_STYLE[status.status];
    const call = status.call;
    const extension = shownExtension(agent);
    const detail = extension ? t("roster.extension", { extension }) : "";
    const party = call ? (call.direction === "outbound" ? call.to : call.from) : null;
    return (
      <div className={`${GRID} border-t border-slate-200 px-2 py-2 text-sm`} role="row" data-testid="agent-row" data-agent-title={row.title} data-agent-id={agent.id}>
        <div className="min-w-0" role="cell">
          <span className="font-semibold break-words" data-testid="agent-name">
            {row.title}
          </span>
          {detail ? <span className="ml-1.5 text-xs text-slate-600">{detail}</span> : null}
        </div>
        <div className="flex items-center justify-end gap-2 md:justify-start" role="cell">
          <span className={`rounded px-2 py-0.5 text-xs font-semibold ring-1 ${style}`} data-testid="agent-status" data-status={status.status}>
            {t(`status.${status.status}`)}
            {status.pauseReason ? `: ${status.pauseReason}` : ""}
          </span>
        </div>
        <div className="text-slate-700 md:order-none" role="cell">
          <LiveTimer since={status.since} testId="agent-timer" />
        </div>
        <div className="min-w-0 text-xs text-slate-700 md:text-sm" role="cell" data-testid="agent-call">
          {call ? (
            <a href={`/history/${call.id}`} className="flex flex-wrap items-baseline gap-x-1.5 hover:underline">
              <span className="font-medium">{party ?? t("calls.unknown")}</span>
              {names.queueName(call.queueId) ? <span className="text-slate-600">{names.queueName(call.queueId)}</span> : null}
              <LiveTimer since={call.answeredAt ?? call.startedAt} />
              {names.handledBy(call)?.includes("→") ? <span className="text-slate-600">{names.handledBy(call)}</span> : null}
            </a>
          ) : null}
        </div>
        <div className="col-span-2 flex gap-3 text-xs text-slate-700 md:contents md:text-sm" data-testid="agent-today">
          <span role="cell" className="tabular-nums">
            <span className="md:hidden">{t("roster.answeredShort")} </span>
            {today?.answered ?? 0}
          </span>
          <span role="cell" className="tabular-nums">
            <span className="md:hidden">{t("roster.missedShort")} </span>
            {today?.missed ?? 0}
          </span>
          <span role="cell" className="tabular-nums">
            <span className="md:hidden">{t("roster.talkShort")} </span>
            {formatDuration((today?.talkSeconds ?? 0) * 1000)}
          </span>
        </div>
      </div>
    );
  },
  (a, b) => a.renderKey === b.renderKey,
);

const lineKey = (row: RosterRow, names: CallNames) => {
  const call = row.status.call;
  return JSON.stringify([row.title, row.agent.version, row.status.status, row.status.since, row.status.pauseReason, call?.id, call?.version, call ? names.handledBy(call) : null, row.today]);
};

/**
 * One line per agent: state, reason, time in state, current call, today's answered / missed / talk time. Sortable by
 * every column, filterable by state, virtualised: only the lines in view are in the page (a centre has 1,000 agents).
 */
export function Roster({ rows, names }: { rows: RosterRow[]; names: CallNames }) {
  const t = useTranslations("board");
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filter, setFilter] = useState<StatusFilter>("all");
  const data = useMemo(() => rows.filter((row) => passes(filter, row.status.status)), [rows, filter]);
  const table = useReactTable({
    data,
    columns: COLUMNS,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (row) => row.agent.id,
  });
  // Unsorted, the roster keeps the scan order: by state, then name.
  const sorted = sorting.length
    ? table.getRowModel().rows.map((row) => row.original)
    : [...data].sort((a, b) => STATUS_ORDER[a.status.status] - STATUS_ORDER[b.status.status] || a.title.localeCompare(b.title));
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: sorted.length, getScrollElement: () => scroller.current, estimateSize: () => 44, overscan: 12 });
  const counts = Object.fromEntries(FILTERS.map((f) => [f, rows.filter((row) => passes(f, row.status.status)).length]));

  return (
    <section className="flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white" aria-label={t("roster.title")} data-testid="roster">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-2 py-2">
        <h2 className="font-semibold">{t("roster.title")}</h2>
        <div className="flex flex-wrap gap-1" role="group" aria-label={t("roster.stateFilter")}>
          {FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              className={`rounded px-2 py-0.5 text-xs ring-1 ring-slate-300 ${filter === f ? "bg-slate-900 text-white" : "bg-white text-slate-800 hover:bg-slate-100"}`}
              data-testid={`roster-filter-${f}`}
            >
              {t(`roster.filter.${f}`)} <span className="tabular-nums">{counts[f]}</span>
            </button>
          ))}
        </div>
      </div>
      <div role="table" aria-label={t("roster.title")} aria-rowcount={sorted.length} className="min-w-0">
        <div className={`${GRID} hidden border-b border-slate-200 bg-slate-50 px-2 py-1.5 text-[11px] uppercase tracking-wide text-slate-600 md:grid`} role="row">
          {table.getHeaderGroups()[0]!.headers.map((header) => {
            const dir = header.column.getIsSorted();
            return (
              <div key={header.id} role="columnheader" aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none"}>
                <button type="button" onClick={header.column.getToggleSortingHandler()} className="uppercase hover:underline" data-testid={`sort-${header.id}`}>
                  {t(`roster.column.${header.id}`)}
                  {dir === "asc" ? " ▲" : dir === "desc" ? " ▼" : ""}
                </button>
              </div>
            );
          })}
        </div>
        {sorted.length === 0 ? (
          // A row of its own: at 390 px the header row is hidden, and a table needs a row (an empty board in a replay showed it).
          <div role="row">
            <p role="cell" className="px-3 py-6 text-center text-sm text-slate-600">{rows.length === 0 ? t("roster.noAgents") : t("roster.noneInState")}</p>
          </div>
        ) : (
          <div ref={scroller} className="max-h-[70vh] overflow-y-auto" data-testid="roster-scroller">
            <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
              {virtual.getVirtualItems().map((item) => {
                const row = sorted[item.index]!;
                return (
                  <div key={row.agent.id} data-index={item.index} ref={virtual.measureElement} style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
                    <Line row={row} names={names} renderKey={lineKey(row, names)} />
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

