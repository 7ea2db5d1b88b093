"use client";

/**
 * Opt-in (`?metrics=1`) measurement of how fast the board shows what arrives: for every socket event, the time from
 * its arrival to the first frame painted after React applied it, and the long tasks (> 50 ms) seen meanwhile.
 * Read by `npm run bench:board` from `window.__callboardMetrics`.
 */
export interface BoardMetrics {
  eventToFrameMs: number[];
  longTasks: number;
  longTaskMs: number;
}

declare global {
  interface Window {
    __callboardMetrics?: BoardMetrics;
  }
}

let pending: number[] = [];

function metrics(): BoardMetrics | undefined {
  if (typeof window === "undefined") return undefined;
  if (window.__callboardMetrics) return window.__callboardMetrics;
  if (!new URLSearchParams(window.location.search).has("metrics")) return undefined;
  const created: BoardMetrics = { eventToFrameMs: [], longTasks: 0, longTaskMs: 0 };
  window.__callboardMetrics = created;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        created.longTasks++;
        created.longTaskMs += entry.duration;
      }
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // Long-task timing is not available in every browser.
  }
  return created;
}

/** Called when a socket event arrives. */
export function eventArrived(): void {
  if (metrics()) pending.push(performance.now());
}

/** Called after React committed a new board state: the next frame shows every event that arrived before it. */
export function stateCommitted(): void {
  const m = metrics();
  if (!m || pending.length === 0) return;
  const arrivals = pending;
  pending = [];
  requestAnimationFrame(() => {
    const painted = performance.now();
    for (const t of arrivals) m.eventToFrameMs.push(painted - t);
  });
}
