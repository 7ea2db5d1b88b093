import { gunzipSync, gzipSync, strFromU8, strToU8 } from "fflate";
import type { Snapshot } from "./protocol";

/**
 * How a snapshot travels (the browser, the tests and the benches read it here). Its board part (calls, agents, queues,
 * figures, thresholds, alerts: the same for every user who may see the same things) is gzip-compressed JSON, made once
 * and sent as the same bytes to every socket of that audience; the socket's own part (who it is, the server's clock)
 * comes beside it. A 500-call snapshot is ~350 KB of JSON and ~35 KB on the wire. Decoding is synchronous, so deltas
 * that arrive after a snapshot are always applied after it.
 */
export type SnapshotBoard = Omit<Snapshot, "serverTime" | "user">;
export type SnapshotOwn = Pick<Snapshot, "serverTime" | "user">;

export function packBoard(board: SnapshotBoard): Uint8Array {
  return gzipSync(strToU8(JSON.stringify(board)), { level: 6 });
}

/** The snapshot from what the `snapshot` event carries (Socket.IO gives an ArrayBuffer in browsers, a Buffer in Node). */
export function unpackSnapshot(packed: ArrayBuffer | Uint8Array, own: SnapshotOwn): Snapshot {
  const bytes = packed instanceof Uint8Array ? packed : new Uint8Array(packed);
  return { ...(JSON.parse(strFromU8(gunzipSync(bytes))) as SnapshotBoard), ...own };
}
