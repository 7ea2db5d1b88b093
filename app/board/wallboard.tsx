"use client";

import { useEffect, useState, type ReactNode } from "react";
import type { Level, Metric } from "@/server/domain/thresholds";
import type { HeaderRow } from "./board-state";
import { LiveTimer } from "./live-timer";

/** Wallboard colours: a fixed dark screen (data-palette="fixed"), every pair ≥ 4.5:1 (axe checks it). */
const TILE_LEVEL: Record<Level, string> = {
  ok: "bg-slate-900 text-white",
  amber: "bg-amber-300 text-slate-950",
  red: "bg-red-700 text-white",
};

function Big({ label, level, size, children, testId }: { label: string; level: Level; size: "xl" | "lg"; children: ReactNode; testId: string }) {
  return (
    <div className={`min-w-0 rounded-lg p-[0.6vw] ${TILE_LEVEL[level]}`} data-testid={testId} data-level={level}>
      <div className="text-[clamp(0.8rem,1.05vw,2.4rem)] leading-tight font-semibold tracking-wide uppercase [overflow-wrap:anywhere]">{label}</div>
      <div className={`${size === "xl" ? "text-[clamp(2.2rem,4.6vw,11rem)]" : "text-[clamp(1.6rem,2.8vw,7rem)]"} leading-none font-bold tabular-nums`}>{children}</div>
    </div>
  );
}

function Tile({ row, serviceLevelSeconds }: { row: HeaderRow; serviceLevelSeconds: number }) {
  const { figures } = row;
  const level = (metric: Metric): Level => row.levels?.[metric] ?? "ok";
  return (
    <section className="flex min-w-0 flex-col gap-[0.5vw] rounded-xl bg-slate-800 p-[0.7vw]" data-testid="wallboard-tile" data-group-title={row.title}>
      <h2 className="text-[clamp(1.1rem,1.7vw,4rem)] leading-tight font-bold text-white [overflow-wrap:anywhere]">{row.title}</h2>
      <div className="grid grid-cols-2 gap-[0.5vw]">
        <Big label="Waiting" level={level("waiting")} size="xl" testId="wall-waiting">
          {figures.waiting}
        </Big>
        <Big label="Longest wait" level={level("longestWait")} size="xl" testId="wall-longest-wait">
          {figures.longestWaitSince === null ? "–" : <LiveTimer since={figures.longestWaitSince} />}
        </Big>
      </div>
      <div className="grid grid-cols-3 gap-[0.5vw]">
        <Big label={`Service level ${serviceLevelSeconds}s`} level={level("serviceLevel")} size="lg" testId="wall-service-level">
          {figures.today?.serviceLevel == null ? "–" : `${figures.today.serviceLevel}%`}
        </Big>
        <Big label="Agents free" level={level("agentsAvailable")} size="lg" testId="wall-agents-available">
          {figures.agents ? figures.agents.available : "–"}
        </Big>
        <Big label="Abandoned, last hour" level={level("abandonedLastHour")} size="lg" testId="wall-abandoned">
          {figures.today?.abandonedLastHour ?? 0}
        </Big>
      </div>
    </section>
  );
}

export interface WallboardOptions {
  /** Group ids to show, in order; empty = every group. */
  groups: string[];
  /** Tiles per page. */
  perPage: number;
  /** Seconds per page when there are several; 0 = no rotation. */
  rotateSeconds: number;
}

/** Reads the wallboard's options from the URL: `queues=a,b&per=6&rotate=20`. */
export function wallboardOptions(params: URLSearchParams): WallboardOptions {
  const int = (name: string, fallback: number, min: number, max: number) => {
    const value = Number.parseInt(params.get(name) ?? "", 10);
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  };
  const groups = (params.get("queues") ?? params.get("projects") ?? "").split(",").map((id) => id.trim()).filter(Boolean).slice(0, 200);
  return { groups, perPage: int("per", 6, 1, 24), rotateSeconds: int("rotate", 20, 0, 3600) };
}

/**
 * For a TV across a room: the queue figures are the big numbers, coloured by their thresholds, the totals small on top.
 * Sized in viewport units so a 1920×1080 and a 3840×2160 screen show the same board; labels wrap, never truncate.
 */
export function Wallboard({ rows, totals, options, serviceLevelSeconds, onLeave, status }: { rows: HeaderRow[]; totals: HeaderRow; options: WallboardOptions; serviceLevelSeconds: number; onLeave: () => void; status: ReactNode }) {
  const chosen = options.groups.length > 0 ? options.groups.flatMap((id) => rows.filter((row) => row.id === id)) : rows;
  const pages = Math.max(1, Math.ceil(chosen.length / options.perPage));
  const [page, setPage] = useState(0);
  useEffect(() => {
    if (options.rotateSeconds === 0 || pages < 2) return;
    const timer = setInterval(() => setPage((p) => (p + 1) % pages), options.rotateSeconds * 1000);
    return () => clearInterval(timer);
  }, [options.rotateSeconds, pages]);
  const current = page % pages;
  const shown = chosen.slice(current * options.perPage, (current + 1) * options.perPage);
  const columns = shown.length <= 1 ? 1 : shown.length <= 4 ? 2 : 3;
  const t = totals.figures;
  return (
    <main data-palette="fixed" className="flex min-h-screen flex-col gap-[0.8vw] bg-slate-950 p-[1vw] text-white" data-testid="wallboard">
      <header className="flex flex-wrap items-center gap-x-[2vw] gap-y-2 text-[clamp(1rem,1.4vw,3.4rem)]">
        <h1 className="font-bold">Callboard</h1>
        {status}
        <span data-testid="wall-total-waiting">
          Waiting <b className="tabular-nums">{t.waiting}</b>
        </span>
        <span>
          Answered <b className="tabular-nums">{t.today?.answered ?? 0}</b>
        </span>
        <span>
          Service level <b className="tabular-nums">{t.today?.serviceLevel == null ? "–" : `${t.today.serviceLevel}%`}</b>
        </span>
        {t.agents ? (
          <span>
            Agents free <b className="tabular-nums">{t.agents.available}</b> · on call <b className="tabular-nums">{t.agents.onCall}</b> · paused <b className="tabular-nums">{t.agents.paused}</b>
          </span>
        ) : null}
        {pages > 1 ? (
          <span className="tabular-nums" data-testid="wall-page">
            Page {current + 1}/{pages}
          </span>
        ) : null}
        <button type="button" onClick={onLeave} className="ml-auto rounded-md px-3 py-1 text-[clamp(0.8rem,0.9vw,2rem)] text-slate-200 ring-1 ring-slate-500" data-testid="leave-wallboard">
          Leave wallboard
        </button>
      </header>
      {shown.length === 0 ? (
        <p className="text-[clamp(1rem,2vw,4rem)] text-slate-200">No queues yet. They appear with their first call.</p>
      ) : (
        <div className="grid flex-1 content-start gap-[0.8vw]" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
          {shown.map((row) => (
            <Tile key={row.id} row={row} serviceLevelSeconds={serviceLevelSeconds} />
          ))}
        </div>
      )}
    </main>
  );
}
