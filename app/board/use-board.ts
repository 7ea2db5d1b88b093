"use client";

import { useEffect, useReducer, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/server/realtime/protocol";
import { unpackSnapshot } from "@/server/realtime/snapshot-codec";
import { boardReducer, initialBoard, type BoardAction } from "./board-state";
import { eventArrived, stateCommitted } from "./metrics";

export type LinkStatus = "connecting" | "live" | "reconnecting" | "offline";

/** Subscribes to the live board: snapshot on every (re)connect, deltas after. `enabled` false: no socket (a replay). */
export function useBoard(enabled = true) {
  const [state, rawDispatch] = useReducer(boardReducer, initialBoard);
  const [status, setStatus] = useState<LinkStatus>("connecting");
  useEffect(stateCommitted, [state]);

  useEffect(() => {
    if (!enabled) return;
    // Updates arriving within one frame's time are applied together: one render for a burst of events instead of one
    // each (a busy centre sends dozens a second). A timer, not requestAnimationFrame, so a board in a background tab keeps
    // its title current.
    let queued: BoardAction[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    const dispatch = (action: BoardAction) => {
      eventArrived();
      queued.push(action);
      flush ??= setTimeout(() => {
        const actions = queued;
        queued = [];
        flush = undefined;
        rawDispatch(actions.length === 1 ? actions[0]! : { type: "batch", actions });
      }, 16);
    };
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ["websocket", "polling"] });
    socket.on("connect", () => setStatus("live"));
    socket.on("disconnect", (reason) => {
      setStatus(reason === "io client disconnect" ? "offline" : "reconnecting");
      // The server let go of us (e.g. our rights changed): come back with the current ones.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.io.on("reconnect_attempt", () => setStatus("reconnecting"));
    socket.io.on("reconnect_failed", () => setStatus("offline"));
    socket.on("connect_error", (error) => {
      // The session ended (signed out elsewhere, expired): back to sign-in, then here again.
      if (error.message === "unauthorized") window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
      else setStatus("reconnecting");
    });
    socket.on("snapshot", (packed, own) => dispatch({ type: "snapshot", snapshot: unpackSnapshot(packed, own), receivedAt: Date.now() }));
    socket.on("call:updated", (call) => dispatch({ type: "call", call, receivedAt: Date.now() }));
    socket.on("call:removed", ({ id }) => dispatch({ type: "callRemoved", id }));
    socket.on("agent:updated", (agent) => dispatch({ type: "agent", agent }));
    socket.on("queue:updated", (queue) => dispatch({ type: "queue", queue }));
    socket.on("project:updated", (project) => dispatch({ type: "project", project }));
    socket.on("stats:updated", (stats) => dispatch({ type: "stats", stats }));
    socket.on("thresholds:updated", (thresholds) => dispatch({ type: "thresholds", thresholds }));
    socket.on("alert:updated", (alert) => dispatch({ type: "alert", alert }));
    return () => {
      if (flush) clearTimeout(flush);
      socket.disconnect();
    };
  }, [enabled]);

  return { state, status };
}

/** Server time, refreshed every `everyMs`. */
export function useNow(offset: number, everyMs: number): number {
  const [now, setNow] = useState(() => Date.now() + offset);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() + offset), everyMs);
    return () => clearInterval(timer);
  }, [offset, everyMs]);
  return now;
}
