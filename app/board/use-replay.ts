"use client";

import { useEffect, useReducer, useState } from "react";
import type { Snapshot } from "@/server/realtime/protocol";
import { parseMoment } from "@/server/domain/time-zone";
import { boardReducer, initialBoard } from "./board-state";

/** `recordedFrom`: when the first stored event was applied (null: none yet). */
export type ReplayStatus = { kind: "loading" } | { kind: "ready"; at: number; recordedFrom: number | null } | { kind: "error"; message: string };

/**
 * The board as it was at `at` (the time machine: GET /api/board/at), into the same state the live board keeps; each
 * new moment replaces it. Null: nothing (the live board).
 */
export function useReplay(at: number | null) {
  const [state, dispatch] = useReducer(boardReducer, initialBoard);
  const [status, setStatus] = useState<ReplayStatus>({ kind: "loading" });
  useEffect(() => {
    if (at === null) return;
    const controller = new AbortController();
    setStatus({ kind: "loading" });
    fetch(`/api/board/at?at=${encodeURIComponent(new Date(at).toISOString())}`, { signal: controller.signal, headers: { accept: "application/json" } })
      .then(async (response) => {
        if (response.status === 401) {
          window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
          return;
        }
        const body = (await response.json().catch(() => null)) as { ok: true; snapshot: Snapshot; recordedFrom: number | null } | { ok: false; error: string } | null;
        if (!body || !body.ok) {
          setStatus({ kind: "error", message: body?.error ?? `HTTP ${response.status}` });
          return;
        }
        dispatch({ type: "snapshot", snapshot: body.snapshot, receivedAt: Date.now() });
        setStatus({ kind: "ready", at, recordedFrom: body.recordedFrom });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setStatus({ kind: "error", message: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [at]);
  return { state, status };
}

/** The moment a board URL names (`?at=`: what the API takes, parseMoment), or null. */
export function readMoment(value: string | null): number | null {
  return value ? (parseMoment(value) ?? null) : null;
}
