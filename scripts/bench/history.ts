/**
 * `npm run bench:history`: first-page latency of the common history filters and the CSV export's speed and memory, on
 * the database DATABASE_URL points at (fill it with `npm run seed:history`). A primary-key lookup measured in the same run
 * is the baseline; figures are timed from the calls (the baseline) and from the roll-ups over 1 day, 1 month and 1 year.
 *
 *   DATABASE_URL=file:./data/bench.db npm run seed:history -- --calls 1000000 --days 365
 *   DATABASE_URL=file:./data/bench.db npm run bench:history -- --runs 30 --export 1000000
 */
import { parseArgs } from "node:util";
import type { AuthUser } from "../../server/auth/types";
import { openDatabase } from "../../server/db/client";
import { databaseUrl } from "../../server/db/url";
import { loadQueueReport, ReportRequest } from "../../server/history/queue-report";
import { HistoryFilters } from "../../server/history/filters";
import { HistoryService } from "../../server/history/history-service";
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../../server/config";
import { processTimeZone } from "../../server/domain/time-zone";

const { values } = parseArgs({ options: { runs: { type: "string", default: "30" }, export: { type: "string", default: "1000000" } } });
const runs = Number(values.runs);
const exportRows = Number(values.export);

const admin: AuthUser = { id: "bench", email: "", name: "bench", role: "admin", queueIds: [], projectIds: [], agentIds: [] };
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const day = (offsetDays: number) => {
  const d = new Date(Date.now() - offsetDays * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

async function main() {
  const db = await openDatabase(databaseUrl());
  const history = new HistoryService(db);
  // The same service reading figures from the roll-ups (the seeder wrote the parts under the default threshold).
  const rolled = new HistoryService(db, processTimeZone(), Number(process.env.CALLBOARD_SERVICE_LEVEL_SECONDS ?? DEFAULT_SERVICE_LEVEL_SECONDS));
  const total = await db.call.count();
  const sample = await db.call.findFirst({ where: { direction: "inbound", agentId: { not: null } }, orderBy: { startedAt: "desc" } });
  if (!sample) throw new Error(`no calls in ${databaseUrl()}: run npm run seed:history first`);
  const agent = await db.call.findFirst({ where: { agentId: { not: null } }, select: { agentId: true }, skip: 777 });
  const cases: [string, () => Promise<unknown>][] = [
    ["baseline: one call by id", () => db.call.findUnique({ where: { id: sample.id } })],
    ["no filter", () => history.list(admin, HistoryFilters.parse({}))],
    ["last 7 days", () => history.list(admin, HistoryFilters.parse({ from: day(7), to: day(0) }))],
    ["one day, 30 days ago", () => history.list(admin, HistoryFilters.parse({ from: day(30), to: day(30) }))],
    ["provider", () => history.list(admin, HistoryFilters.parse({ provider: "conpeek" }))],
    ["direction outbound", () => history.list(admin, HistoryFilters.parse({ direction: "outbound" }))],
    ["outcome missed", () => history.list(admin, HistoryFilters.parse({ outcome: "missed" }))],
    ["agent", () => history.list(admin, HistoryFilters.parse({ agent: agent?.agentId ?? undefined }))],
    ["queue", () => history.list(admin, HistoryFilters.parse({ queue: sample.queueId ?? undefined }))],
    ["project + missed", () => history.list(admin, HistoryFilters.parse({ project: sample.projectId ?? undefined, outcome: "missed" }))],
    ["phone number", () => history.list(admin, HistoryFilters.parse({ phone: sample.fromNumber ?? undefined }))],
    ["agent's own calls (agent role)", () => history.list({ ...admin, role: "agent", agentIds: [agent?.agentId ?? ""] }, HistoryFilters.parse({}))],
  ];
  // Figures over 1 day, 1 month and 1 year (everything stored: seed with --days 365), from the calls (today's path,
  // the baseline) and from the roll-ups, each in the same run.
  const ranges: [string, Record<string, string>][] = [
    ["1 day", { from: day(1), to: day(1) }],
    ["last 7 days", { from: day(6), to: day(0) }],
    ["1 month", { from: day(30), to: day(0) }],
    ["1 year", { from: day(365), to: day(0) }],
    ["one queue, 1 year", { from: day(365), to: day(0), queue: sample.queueId ?? "" }],
  ];
  const supervisor: AuthUser = { ...admin, role: "supervisor", queueIds: [sample.queueId ?? ""] };
  for (const [range, filters] of ranges) {
    cases.push([`figures, ${range}: calls`, () => history.figures(admin, HistoryFilters.parse(filters))]);
    cases.push([`figures, ${range}: roll-ups`, () => rolled.figures(admin, HistoryFilters.parse(filters))]);
  }
  cases.push(["figures, 1 year, limited sup.: calls", () => history.figures(supervisor, HistoryFilters.parse(ranges[3]![1]))]);
  cases.push(["figures, 1 year, limited sup.: roll-ups", () => rolled.figures(supervisor, HistoryFilters.parse(ranges[3]![1]))]);
  // Queue reports (/history/reports) over 1 day per hour, 1 month and 1 year per day: from the calls' parts (what
  // they would cost without roll-ups, the baseline) and from the roll-ups.
  const sl = Number(process.env.CALLBOARD_SERVICE_LEVEL_SECONDS ?? DEFAULT_SERVICE_LEVEL_SECONDS);
  const reports: [string, Record<string, string>][] = [
    ["1 day per hour", { from: day(1), to: day(1), interval: "hour" }],
    ["1 month per day", { from: day(30), to: day(0), interval: "day" }],
    ["1 year per day", { from: day(365), to: day(0), interval: "day" }],
  ];
  for (const [range, request] of reports) {
    cases.push([`report, ${range}: calls`, () => loadQueueReport(db, admin, ReportRequest.parse(request), processTimeZone(), sl, false)]);
    cases.push([`report, ${range}: roll-ups`, () => loadQueueReport(db, admin, ReportRequest.parse(request), processTimeZone(), sl)]);
  }
  console.log(`history benchmark: ${total.toLocaleString()} calls, ${runs} runs per query, first page of 50`);
  for (const [name, run] of cases) {
    const t0 = performance.now();
    await run(); // warm-up
    const first = performance.now() - t0;
    // A path that takes seconds is timed fewer times (the machine's time is the limit, not the spread); one that takes
    // over 10 s once: its warm-up is its figure.
    if (first > 10_000) {
      console.log(`  ${name.padEnd(40)} once ${first.toFixed(1).padStart(7)} ms`);
      continue;
    }
    const n = first > 1_000 ? Math.min(runs, 5) : runs;
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(40)} p50 ${pct(times, 0.5).toFixed(1).padStart(7)} ms   p95 ${pct(times, 0.95).toFixed(1).padStart(7)} ms`);
  }

  // Export: stream rows, counting them, sampling memory.
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const reader = history.exportCsv(admin, HistoryFilters.parse({}), { agent: () => "", queue: () => "", project: () => "" }).getReader();
  let rows = -1;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 10) rows++;
    if (rows >= exportRows) {
      await reader.cancel();
      break;
    }
  }
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  export: ${rows.toLocaleString()} rows, ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds).toLocaleString()} rows/s; ` +
      `RSS ${(rssBefore / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB`,
  );
  await db.$disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
