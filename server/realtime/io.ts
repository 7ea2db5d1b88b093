import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Batch } from "../db/store";
import type { LiveState } from "../live/live-state";
import type { ConnectionSummary } from "../domain/model";
import {
  BOARD_ROOM,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type Snapshot,
  type SocketData,
} from "./protocol";

export type CallboardIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface Realtime {
  io: CallboardIo;
  publish(batch: Batch): void;
  snapshot(): Snapshot;
  close(): Promise<void>;
}

/** Socket.IO on the same HTTP server: snapshot on connect, then every committed change as a delta. */
export function createRealtime(
  httpServer: HttpServer,
  deps: { live: LiveState; connections: () => ConnectionSummary[]; recentEndedMs: number },
): Realtime {
  const io: CallboardIo = new Server(httpServer, { serveClient: false, transports: ["websocket", "polling"] });

  const snapshot = (): Snapshot => {
    const now = Date.now();
    return {
      serverTime: now,
      recentEndedMs: deps.recentEndedMs,
      calls: deps.live.boardCalls(now, deps.recentEndedMs),
      agents: [...deps.live.agents.values()],
      queues: [...deps.live.queues.values()],
      projects: [...deps.live.projects.values()],
      connections: deps.connections(),
    };
  };

  io.on("connection", (socket) => {
    void socket.join(BOARD_ROOM);
    socket.emit("snapshot", snapshot());
    socket.on("snapshot:request", () => socket.emit("snapshot", snapshot()));
  });

  return {
    io,
    snapshot,
    publish({ changes }) {
      const room = io.to(BOARD_ROOM);
      for (const queue of changes.queues.values()) room.emit("queue:updated", queue);
      for (const project of changes.projects.values()) room.emit("project:updated", project);
      for (const agent of changes.agents.values()) room.emit("agent:updated", agent);
      for (const call of changes.calls.values()) room.emit("call:updated", call);
    },
    close: () => new Promise((resolve) => void io.close(() => resolve())),
  };
}
