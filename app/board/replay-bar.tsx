"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { instantOfWallClock, wallClock } from "@/server/domain/time-zone";
import type { ReplayStatus } from "./use-replay";

/** How far each step button moves, in ms (back, then forward). */
const STEPS = [-15 * 60_000, -60_000, -10_000, 10_000, 60_000, 15 * 60_000] as const;
const LONGEST_STEP = Math.max(...STEPS);
/** Replay speeds: board seconds per real second. */
const SPEEDS = [1, 10, 60] as const;
type Speed = (typeof SPEEDS)[number];

const two = (n: number) => String(n).padStart(2, "0");
/** The `datetime-local` value of an instant in a zone (seconds included). */
function wallValue(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}:${two(w.second)}`;
}

/**
 * The time machine's controls over a replayed board: the moment shown (in the viewer's zone), a picker, steps back and
 * forward, play at 1×, 10× or 60× (the next moment is asked for once the last one has arrived), and the way back to
 * the live board. Moments after now are not asked for: playing stops there.
 */
export function ReplayBar({ at, status, timeZone, onMove, onLive }: { at: number; status: ReplayStatus; timeZone: string; onMove: (at: number) => void; onLive: () => void }) {
  const t = useTranslations("board");
  const format = useFormatter();
  const [speed, setSpeed] = useState<Speed | null>(null);
  const [picked, setPicked] = useState(() => wallValue(at, timeZone));
  // The clock that enables the steps forward (a step never asks for the future): the board's clock stands still in a
  // replay, so without this a step that was in the future when the moment opened stayed disabled.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => setNow(Date.now()), [at]);
  const laterDisabled = at + LONGEST_STEP > now;
  useEffect(() => {
    if (!laterDisabled) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [laterDisabled]);
  useEffect(() => setPicked(wallValue(at, timeZone)), [at, timeZone]);

  const move = useRef(onMove);
  move.current = onMove;
  // Playing: one second after each frame arrived, the moment `speed` seconds later.
  useEffect(() => {
    if (speed === null || status.kind !== "ready") return;
    const timer = setTimeout(() => {
      const next = at + speed * 1000;
      if (next > Date.now()) {
        setSpeed(null);
        move.current(Date.now());
      } else move.current(next);
    }, 1000);
    return () => clearTimeout(timer);
  }, [speed, status, at]);
  useEffect(() => {
    if (status.kind === "error") setSpeed(null);
  }, [status]);

  const moment = format.dateTime(new Date(at), { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short", timeZone });
  const button = "rounded-md border border-amber-700/40 bg-white px-2 py-1 text-sm text-slate-900 hover:bg-amber-100 disabled:opacity-40";
  return (
    <section className="flex flex-col gap-2 rounded-md border-2 border-amber-500 bg-amber-50 p-2 text-amber-950 sm:p-3" aria-label={t("replay.label")} data-testid="replay-bar">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 className="text-base font-semibold" data-testid="replay-moment">
          {t("replay.title", { moment })}
        </h2>
        <span className="text-sm" role="status" data-testid="replay-status">
          {status.kind === "error" ? t("replay.error", { reason: status.message }) : speed ? t("replay.playing", { speed }) : status.kind === "loading" ? t("replay.loading") : t("replay.paused")}
        </span>
        <button type="button" onClick={onLive} className="ml-auto rounded-md bg-slate-900 px-3 py-1 text-sm font-semibold text-white hover:bg-slate-700">
          {t("replay.live")}
        </button>
      </div>
      {status.kind === "ready" && (status.recordedFrom === null || at < status.recordedFrom) ? (
        <p className="text-sm" data-testid="replay-nothing-recorded">
          {status.recordedFrom === null ? t("replay.nothingRecorded") : t("replay.recordedFrom", { first: format.dateTime(new Date(status.recordedFrom), { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short", timeZone }) })}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-1.5">
        <form
          className="flex items-center gap-1.5"
          onSubmit={(event) => {
            event.preventDefault();
            const next = instantOfWallClock(picked, timeZone);
            if (next !== undefined) onMove(Math.min(next, Date.now()));
          }}
        >
          <label className="sr-only" htmlFor="replay-moment-input">
            {t("replay.pick")}
          </label>
          <input id="replay-moment-input" type="datetime-local" step={1} value={picked} onChange={(e) => setPicked(e.target.value)} className="min-w-0 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm" />
          <button type="submit" className={button}>
            {t("replay.go")}
          </button>
        </form>
        <div className="flex flex-wrap items-center gap-1" role="group" aria-label={t("replay.steps")}>
          {STEPS.map((step) => (
            <button key={step} type="button" className={button} disabled={step > 0 && at + step > now} onClick={() => onMove(at + step)}>
              {t(step < 0 ? "replay.back" : "replay.forward", { amount: Math.abs(step) >= 60_000 ? t("replay.minutes", { n: Math.abs(step) / 60_000 }) : t("replay.seconds", { n: Math.abs(step) / 1000 }) })}
            </button>
          ))}
        </div>
        <div className="flex items-center gap-1" role="group" aria-label={t("replay.play")}>
          {SPEEDS.map((value) => (
            <button key={value} type="button" aria-pressed={speed === value} className={`${button} ${speed === value ? "!bg-amber-800 !text-white" : ""}`} onClick={() => setSpeed(speed === value ? null : value)}>
              {t("replay.speed", { speed: value })}
            </button>
          ))}
          <button type="button" className={button} disabled={speed === null} onClick={() => setSpeed(null)}>
            {t("replay.pause")}
          </button>
        </div>
      </div>
    </section>
  );
}
