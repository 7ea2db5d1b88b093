import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/server/auth/types";
import { openDatabase, type Db } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import { listCalls, listCallsQuery } from "@/server/history/calls-query";
import { figures } from "@/server/history/figures";
import { HistoryFilters } from "@/server/history/filters";
import { pruneDeliveries } from "@/server/history/retention";
import { sqlDialect } from "@/server/history/sql-dialect";
import { testDatabaseUrl } from "../helpers/database";

const admin: AuthUser = { id: "u", email: "a@x.io", name: "A", role: "admin", queueIds: [], projectIds: [], agentIds: [] };
const START = Date.UTC(2026, 10, 20, 23, 30, 0, 123);
const ANSWER = START + 7_250;
const END = START + 95_001;
const iso = (ms: number) => new Date(ms).toISOString();

/** The history's raw SQL on PostgreSQL itself: the zone times travel in, and the indexes the number search can use. */
describe("history SQL on PostgreSQL", () => {
  let dir: string;
  let db: Db;
  const zone = process.env.TZ;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-pg-history-"));
    db = await openDatabase(await testDatabaseUrl(dir));
    const call = { connectionId: "c", provider: "telecmi", direction: "inbound", state: "ended", detail: "{}", version: 1, updatedAt: new Date(END) };
    await db.call.createMany({
      data: [
        { ...call, id: "answered", externalKey: "a", fromNumber: "420601234567", toNumber: "100", startedAt: new Date(START), answeredAt: new Date(ANSWER), endedAt: new Date(END), waitSeconds: 7, talkSeconds: 88 },
        { ...call, id: "older", externalKey: "b", fromNumber: "100", toNumber: "4206012", startedAt: new Date(START - 60_000) },
      ],
    });
    await db.delivery.create({ data: { id: "d", connectionId: "c", provider: "telecmi", receivedAt: new Date(START), method: "POST", path: "/x", query: "", bodyText: "{}", outcome: "accepted", httpStatus: 200 } });
  });
  afterAll(async () => {
    process.env.TZ = zone;
    await db?.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const tz of ["America/New_York", "Europe/Prague", "Pacific/Kiritimati"]) {
    it(`times go in and come back as UTC instants, to the millisecond, in a process running in ${tz}`, async () => {
      process.env.TZ = tz;
      expect(new Date(START).getTimezoneOffset(), "the zone took effect").not.toBe(0);
      const ids = async (filters: Record<string, unknown>) => (await listCalls(db, admin, HistoryFilters.parse(filters))).calls.map((c) => c.id);
      expect(await ids({ until: iso(START) })).toContain("answered");
      expect(await ids({ until: iso(START - 1) })).not.toContain("answered");
      expect(await ids({ since: iso(END) })).toContain("answered");
      expect(await ids({ since: iso(END + 1) })).not.toContain("answered");
      // Calendar days of the filters' zone: 23:30 UTC on the 20th is the 21st in Prague, still the 20th in New York.
      expect(await ids({ from: "2026-11-21", to: "2026-11-21", tz: "Europe/Prague" })).toContain("answered");
      expect(await ids({ from: "2026-11-21", to: "2026-11-21", tz: "America/New_York" })).not.toContain("answered");
      const row = (await listCalls(db, admin, HistoryFilters.parse({}))).calls.find((c) => c.id === "answered")!;
      expect([row.startedAt, row.answeredAt, row.endedAt, row.waitSeconds, row.talkSeconds]).toEqual([iso(START), iso(ANSWER), iso(END), 7, 88]);
      const counted = await figures(db, admin, HistoryFilters.parse({ tz: "UTC" }));
      expect(counted.byHour[23]?.calls).toBe(2);
      expect(counted.totals).toMatchObject({ calls: 2, answered: 1, avgWait: 7, avgTalk: 88 });
      expect(await pruneDeliveries(db, new Date(START))).toBe(0);
      expect(await pruneDeliveries(db, new Date(START + 1))).toBe(1);
      await db.delivery.create({ data: { id: "d", connectionId: "c", provider: "telecmi", receivedAt: new Date(START), method: "POST", path: "/x", query: "", bodyText: "{}", outcome: "accepted", httpStatus: 200 } });
    });
  }

  it("the number search finds digits anywhere inside either number", async () => {
    const ids = async (phone: string) => (await listCalls(db, admin, HistoryFilters.parse({ phone }))).calls.map((c) => c.id);
    expect(await ids("1234")).toEqual(["answered"]);
    expect(await ids("4206012")).toEqual(["answered", "older"]);
    expect(await ids("+420 601")).toEqual(["answered", "older"]);
    expect(await ids("999")).toEqual([]);
  });

  it("the number search can be served by the pg_trgm indexes of both number columns", async () => {
    const query = listCallsQuery(admin, HistoryFilters.parse({ phone: "234567" }), sqlDialect(db));
    // Two rows cost less to read in full, so sequential and plain index scans are switched off for this one plan:
    // what is checked is that the SQL's shape lets the trigram indexes answer it.
    const plan = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      await tx.$executeRawUnsafe("SET LOCAL enable_indexscan = off");
      return tx.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${query}`);
    });
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/Bitmap Index Scan on "Call_fromNumber_trgm_idx"/);
    expect(text).toMatch(/Bitmap Index Scan on "Call_toNumber_trgm_idx"/);
  });
});
