import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io as connect } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { PROVIDERS, type ProviderId } from "@/server/domain/events";
import { toBoardLeg, type Leg } from "@/server/domain/model";
import type { Snapshot } from "@/server/realtime/protocol";
import { unpackSnapshot, type SnapshotOwn } from "@/server/realtime/snapshot-codec";
import { allScenarios, type Step } from "@/server/simulator/scenarios";
import { startAppProcess, type AppProcess } from "../helpers/app-process";

/** Fixed keys, so every restart (and a banner that no longer prints them) uses the same URLs. */
const KEYS = Object.fromEntries(PROVIDERS.map((p) => [p, `crash-${p}-key-0123456789`])) as Record<ProviderId, string>;
const ADMIN = { email: "crash-admin@example.com", password: "crash-admin-password" };
const ENV = {
  ...Object.fromEntries(PROVIDERS.map((p) => [`CALLBOARD_${p.toUpperCase()}_KEY`, KEYS[p]])),
  CALLBOARD_ADMIN_EMAIL: ADMIN.email,
  CALLBOARD_ADMIN_PASSWORD: ADMIN.password,
  // Every call of the run stays in the snapshot, so it can be compared with the database.
  CALLBOARD_RECENT_ENDED_SECONDS: "86400",
};
const KILLS = 5;
const IN_FLIGHT = 32;

interface Ack {
  id: string;
  /** Canonical events the answer said were applied: the same transaction stored them. */
  events: number;
}

/** Keeps IN_FLIGHT deliveries of fresh scenarios in flight until `stopped()`; records every acknowledged one. */
async function load(app: AppProcess, stopped: () => boolean, acks: Ack[], counts: { sent: number }) {
  const send = async (provider: ProviderId, step: Step) => {
    counts.sent++;
    try {
      const res = await fetch(`${app.url}/api/webhooks/${provider}/${KEYS[provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`, {
        method: step.method,
        headers: step.contentType ? { "content-type": step.contentType } : {},
        body: step.method === "POST" ? step.body : undefined,
      });
      const body = (await res.json()) as { delivery?: string; events?: number };
      if (res.status < 300 && body.delivery) acks.push({ id: body.delivery, events: body.events ?? 0 });
    } catch {
      // The connection died with the process: not acknowledged, so the provider would retry.
    }
  };
  const queue: [ProviderId, Step][] = [];
  const worker = async () => {
    while (!stopped()) {
      if (queue.length === 0) for (const s of allScenarios(Date.now() - 60_000)) for (const step of s.steps) queue.push([s.provider, step]);
      const [provider, step] = queue.shift() as [ProviderId, Step];
      await send(provider, step);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** Signs in as the admin and returns the board snapshot the restarted process serves from its live state. */
async function snapshotOf(app: AppProcess): Promise<Snapshot> {
  const res = await fetch(`${app.url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false });
  try {
    return await new Promise<Snapshot>((resolve, reject) => {
      socket.once("snapshot", (packed: Buffer, own: SnapshotOwn) => resolve(unpackSnapshot(packed, own)));
      socket.once("connect_error", reject);
      setTimeout(() => reject(new Error("no snapshot within 10 s")), 10_000);
    });
  } finally {
    socket.close();
  }
}

interface CallRow { id: string; state: string; startedAt: string; answeredAt: string | null; endedAt: string | null; endReason: string | null; version: number; detail: string }
interface AgentRow { id: string; presence: string; version: number }
const ms = (text: string | null) => (text === null ? null : Date.parse(text));

describe("crash safety", () => {
  it(`no acknowledged delivery is lost over ${KILLS} kill -9 cycles under load, and a restart serves exactly what the database holds`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-crash-"));
    const acks: Ack[] = [];
    const counts = { sent: 0 };
    const perCycle: string[] = [];
    try {
      for (let cycle = 0; cycle < KILLS; cycle++) {
        const app = await startAppProcess(ENV, dir);
        const before = { sent: counts.sent, acks: acks.length };
        let killed = false;
        const running = load(app, () => killed, acks, counts);
        // Kill at a different point of the load each time, once deliveries are being acknowledged.
        const deadline = Date.now() + 10_000;
        while (acks.length < before.acks + 50 + cycle * 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        await app.kill();
        killed = true;
        await running;
        perCycle.push(`cycle ${cycle + 1}: sent ${counts.sent - before.sent}, acknowledged ${acks.length - before.acks}`);
      }

      const db = new Database(path.join(dir, "e2e.db"), { readonly: true });
      const stored = new Set((db.prepare(`SELECT id FROM "Delivery"`).all() as { id: string }[]).map((row) => row.id));
      const eventsOf = db.prepare(`SELECT count(*) AS n FROM "CallEvent" WHERE "deliveryId" = ?`);
      const lost = acks.filter((ack) => !stored.has(ack.id));
      const eventsLost = acks.filter((ack) => stored.has(ack.id) && (eventsOf.get(ack.id) as { n: number }).n !== ack.events);
      db.close();
      console.log(`crash test: ${perCycle.join("; ")}\n  total sent ${counts.sent}, acknowledged ${acks.length}, found after ${KILLS} kills ${acks.length - lost.length}, deliveries stored ${stored.size}`);
      expect(acks.length).toBeGreaterThan(KILLS * 50);
      expect(lost).toEqual([]);
      expect(eventsLost).toEqual([]);

      // A fresh restart must serve exactly the calls and agents the database holds (not merely start).
      const again = await startAppProcess(ENV, dir);
      try {
        const snapshot = await snapshotOf(again);
        const check = new Database(path.join(dir, "e2e.db"), { readonly: true });
        const callRows = check.prepare(`SELECT id, state, startedAt, answeredAt, endedAt, endReason, version, detail FROM "Call"`).all() as CallRow[];
        const agentRows = check.prepare(`SELECT id, presence, version FROM "Agent"`).all() as AgentRow[];
        check.close();
        const fromDb = callRows
          .map((row) => ({ id: row.id, state: row.state, startedAt: ms(row.startedAt), answeredAt: ms(row.answeredAt), endedAt: ms(row.endedAt), endReason: row.endReason, version: row.version, legs: (JSON.parse(row.detail) as { legs: Leg[] }).legs.map(toBoardLeg) }))
          .sort((a, b) => a.id.localeCompare(b.id));
        const live = snapshot.calls
          .map((c) => ({ id: c.id, state: c.state, startedAt: c.startedAt, answeredAt: c.answeredAt, endedAt: c.endedAt, endReason: c.endReason, version: c.version, legs: c.legs }))
          .sort((a, b) => a.id.localeCompare(b.id));
        console.log(`  after restart: ${callRows.length} Call rows, ${snapshot.calls.length} calls live (${snapshot.calls.filter((c) => c.state !== "ended").length} open), ${agentRows.length} Agent rows, ${snapshot.agents.length} agents live`);
        expect(callRows.length).toBeGreaterThan(0);
        expect(live).toEqual(fromDb);
        expect(snapshot.agents.map((a) => ({ id: a.id, presence: a.presence, version: a.version })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
          agentRows.map((a) => ({ id: a.id, presence: a.presence, version: a.version })).sort((a, b) => a.id.localeCompare(b.id)),
        );
      } finally {
        await again.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
