/**
 * `npm run bench:time-machine`: how long the time machine takes to show the board of a past moment (its first frame:
 * the latest checkpoint, the events after it, the board built), on the database DATABASE_URL points at, beside the path
 * without checkpoints (the log replayed from its start, like `npm run rebuild`) measured in the same run.
 *
 * The database is meant to hold the history benchmark's calls (`npm run seed:history`, 1,000,000 calls). The seeder
 * writes calls, not events: this script adds `--hours` of the simulator's five-provider traffic ending now, at
 * `--per-hour` calls an hour, applied through the live state with the clock of each delivery, its events stored as the
 * applier stores them and a checkpoint written every `--checkpoint-minutes` or `--checkpoint-events`, as the applier
 * writes them.
 *
 *   DATABASE_URL=file:./data/bench.db npm run seed:history -- --calls 1000000 --days 365
 *   DATABASE_URL=file:./data/bench.db npm run bench:time-machine -- --hours 48 --per-hour 460 --moments 40
 */
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { AuthUser } from "../../server/auth/types";
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../../server/config";
import { openDatabase } from "../../server/db/client";
import { migrateDatabase } from "../../server/db/migrate";
import { databaseUrl, sqliteFileFromUrl } from "../../server/db/url";
import type { ProviderId } from "../../server/domain/events";
import { startOfDay } from "../../server/domain/stats";
import { processTimeZone } from "../../server/domain/time-zone";
import { saveCheckpoint, TimeMachine } from "../../server/history/time-machine";
import { urlEventOf } from "../../server/ingest/ingestor";
import { parseFields } from "../../server/ingest/parse-request";
import { DEFAULT_LIVE_OPTIONS, LiveState } from "../../server/live/live-state";
import { normalizeDelivery, providerAdapter } from "../../server/providers";
import { allScenarios, type Step } from "../../server/simulator/scenarios";

const { values } = parseArgs({
  options: {
    hours: { type: "string", default: "48" },
    "per-hour": { type: "string", default: "460" },
    moments: { type: "string", default: "40" },
    "checkpoint-minutes": { type: "string", default: "15" },
    "checkpoint-events": { type: "string", default: "20000" },
    baseline: { type: "string", default: "3" },
  },
});
const hours = Number(values.hours);
const perHour = Number(values["per-hour"]);
const moments = Number(values.moments);
const everyMs = Number(values["checkpoint-minutes"]) * 60_000;
const everyEvents = Number(values["checkpoint-events"]);
const baselineRuns = Number(values.baseline);
const RECENT_MS = 600_000;
const SL = Number(process.env.CALLBOARD_SERVICE_LEVEL_SECONDS ?? DEFAULT_SERVICE_LEVEL_SECONDS);
const timeZone = processTimeZone();

const admin: AuthUser = { id: "bench", email: "", name: "bench", role: "admin", queueIds: [], projectIds: [], agentIds: [] };
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const stored = (at: number) => new Date(at).toISOString().replace("Z", "+00:00");

async function main() {
  const url = databaseUrl();
  await migrateDatabase(url);
  const sqlite = new Database(sqliteFileFromUrl(url));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  const db = await openDatabase(url);
  const calls = await db.call.count();
  const connections = new Map((await db.connection.findMany()).map((c) => [c.provider as ProviderId, c.id]));

  // The traffic: the simulator's scenarios (about 15 calls of all five providers), one batch every few minutes.
  const end = Date.now() - 60_000;
  const start = end - hours * 3_600_000;
  const perBatch = allScenarios(start).length;
  const batchEvery = (3_600_000 * perBatch) / perHour;
  const deliveries: { at: number; provider: ProviderId; step: Step }[] = [];
  for (let t = start; t < end - 5 * 60_000; t += batchEvery) {
    for (const scenario of allScenarios(Math.round(t))) for (const step of scenario.steps) deliveries.push({ at: Math.round(t + step.offsetMs), provider: scenario.provider, step });
  }
  deliveries.sort((a, b) => a.at - b.at);

  sqlite.exec(`DELETE FROM "CallEvent" WHERE "deliveryId" LIKE 'tm-bench-%'; DELETE FROM "Checkpoint";`);
  const insert = sqlite.prepare(`INSERT INTO "CallEvent" (id, deliveryId, connectionId, callId, agentId, kind, at, timeSource, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const relink = sqlite.prepare(`UPDATE "CallEvent" SET "callId" = ? WHERE "id" = ?`);
  const moveEvents = sqlite.prepare(`UPDATE "CallEvent" SET "callId" = ? WHERE "callId" = ?`);
  let clock = start;
  const live = new LiveState(DEFAULT_LIVE_OPTIONS, undefined, { now: () => clock });
  let nextCheckpoint = start + everyMs;
  let eventsAtCheckpoint = 0;
  let nextMinute = start + 60_000;
  let events = 0;
  let skipped = 0;
  const checkpointBytes: number[] = [];
  const checkpointMs: number[] = [];
  const generated = performance.now();
  let pendingWrites: (() => void)[] = [];
  const flush = sqlite.transaction(() => {
    for (const write of pendingWrites) write();
    pendingWrites = [];
  });
  for (const { at, provider, step } of deliveries) {
    clock = at;
    if (clock >= nextMinute) {
      // What the applier's minute timer does: today's figures read, calls long ended let go.
      live.calls.dayStats(startOfDay(clock, timeZone), SL, clock);
      live.evict(clock);
      nextMinute += 60_000;
    }
    // The applier's rule (scheduleCheckpoints): every `everyMs`, or sooner once `everyEvents` were applied.
    if (clock >= nextCheckpoint || live.eventsApplied - eventsAtCheckpoint >= everyEvents) {
      flush();
      const t = performance.now();
      live.calls.dayStats(startOfDay(clock, timeZone), SL, clock);
      checkpointBytes.push(await saveCheckpoint(db, live.checkpoint(clock, RECENT_MS + everyMs)));
      checkpointMs.push(performance.now() - t);
      nextCheckpoint = clock + everyMs;
      eventsAtCheckpoint = live.eventsApplied;
    }
    const connectionId = connections.get(provider);
    if (!connectionId) throw new Error(`no ${provider} connection: run npm run seed:history first`);
    const fields = parseFields(step.method, step.contentType ?? null, step.query ?? "", step.body ?? "");
    if (!fields.ok) {
      skipped++;
      continue;
    }
    const result = normalizeDelivery(providerAdapter(provider), { fields: fields.fields, receivedAt: at, urlEvent: urlEventOf(`/api/webhooks/${provider}/key${step.suffix}`), options: {} });
    if (result.outcome !== "events") {
      skipped++;
      continue;
    }
    const deliveryId = `tm-bench-${randomUUID()}`;
    const changes = live.apply({ id: connectionId, provider }, deliveryId, result.events, undefined, at);
    for (const record of changes.records) {
      pendingWrites.push(() => insert.run(record.id, deliveryId, connectionId, record.callId, record.agentId, record.event.kind, stored(record.event.at), record.event.timeSource, JSON.stringify(record.event)));
      events++;
    }
    for (const { eventId, callId } of changes.relinked) pendingWrites.push(() => relink.run(callId, eventId));
    for (const { from, into } of changes.merged) pendingWrites.push(() => moveEvents.run(into, from.id));
    if (pendingWrites.length > 5000) flush();
  }
  flush();
  const generatedMs = performance.now() - generated;

  const board = { recentEndedMs: RECENT_MS, serviceLevelSeconds: SL, stuckMs: 7_200_000, timeZone, connections: () => [], thresholds: () => ({}) };
  const machine = new TimeMachine({ db, live: new LiveState(), options: DEFAULT_LIVE_OPTIONS, board, alertsAt: async () => [] });
  const fromStart = machine.fromLogStart();

  // Moments spread over the span (after its first checkpoint), in random order.
  const picks = Array.from({ length: moments }, (_, i) => start + everyMs + ((end - start - everyMs) * (i + 0.5)) / moments).sort(() => Math.random() - 0.5);
  const frames: number[] = [];
  let shown = 0;
  for (const at of picks) {
    const t = performance.now();
    const frame = await machine.boardAt(admin, at);
    frames.push(performance.now() - t);
    shown += frame.calls.length;
  }
  const baseline: number[] = [];
  for (let i = 0; i < baselineRuns; i++) {
    const at = end - i * 3_600_000;
    const t = performance.now();
    await fromStart.boardAt(admin, at);
    baseline.push(performance.now() - t);
  }
  frames.sort((a, b) => a - b);
  baseline.sort((a, b) => a - b);
  const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);

  console.log(`database: ${url} (${calls.toLocaleString("en")} calls)`);
  console.log(`traffic: ${hours} h at ${perHour} calls/h: ${deliveries.length.toLocaleString("en")} deliveries (${skipped} not normalized), ${events.toLocaleString("en")} events stored (${(generatedMs / 1000).toFixed(1)} s)`);
  console.log(`checkpoints: ${checkpointBytes.length} (every ${everyMs / 60_000} min or ${everyEvents.toLocaleString("en")} events), ${Math.round(mean(checkpointBytes)).toLocaleString("en")} bytes on average, written in ${ms(mean(checkpointMs))} on average`);
  console.log("");
  console.log("| first frame of a past moment | runs | p50 | p95 | max |");
  console.log("|---|---|---|---|---|");
  console.log(`| time machine (checkpoint + events after it), ${(shown / Math.max(1, moments)).toFixed(0)} calls on the board on average | ${moments} | ${ms(pct(frames, 0.5))} | ${ms(pct(frames, 0.95))} | ${ms(frames.at(-1) ?? 0)} |`);
  console.log(`| baseline: the log replayed from its start (no checkpoints), moments near the end | ${baselineRuns} | ${ms(pct(baseline, 0.5))} | ${ms(pct(baseline, 0.95))} | ${ms(baseline.at(-1) ?? 0)} |`);
  await db.$disconnect();
  sqlite.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
