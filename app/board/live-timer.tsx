"use client";

import { useLayoutEffect, useRef } from "react";

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Every visible timer, updated by one interval that writes their text directly: a board with a thousand calls would
 * otherwise re-render every row each second.
 */
const timers = new Map<HTMLElement, { since: number; prefix: string }>();
let clockOffset = 0;
/** A replayed board's moment: its timers stand still there. */
let frozenAt: number | null = null;
let interval: ReturnType<typeof setInterval> | undefined;

function render(element: HTMLElement, since: number, prefix: string) {
  element.textContent = `${prefix}${formatDuration((frozenAt ?? Date.now() + clockOffset) - since)}`;
}

function tick() {
  for (const [element, { since, prefix }] of timers) render(element, since, prefix);
}

/** Server time minus browser time, so timers agree with the server. */
export function setClockOffset(offset: number): void {
  clockOffset = offset;
}

/** Timers read this moment instead of the clock (null: the clock again). */
export function setClockFrozen(at: number | null): void {
  if (frozenAt === at) return;
  frozenAt = at;
  tick();
}

export function LiveTimer({ since, prefix = "", testId }: { since: number; prefix?: string; testId?: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    timers.set(element, { since, prefix });
    render(element, since, prefix);
    interval ??= setInterval(tick, 1000);
    return () => {
      timers.delete(element);
      if (timers.size === 0 && interval) {
        clearInterval(interval);
        interval = undefined;
      }
    };
  }, [since, prefix]);
  return <span ref={ref} data-testid={testId} className="font-mono tabular-nums" />;
}
