/**
 * The HTTP side of the fuzz: cases are drawn from a seed with fc.sample rather than shrunk by fc.assert, because they
 * share one server: once a case stalls the group committer every later case hangs too, so shrinking would only chase
 * the stall. All failures are collected and reported together with the seed; the pure properties
 * (pipeline.property.test.ts) shrink to minimal payloads.
 */
import http from "node:http";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { anyDeliveryArb, type FuzzRequest } from "./arbitraries";
import { FUZZ_ENV, Tally, healthyDeliveries, send, sendAll, summarize } from "./http";

const TIMEOUT_MS = 10_000;
/** Time spent sending fuzz cases; a stuck intake adds at most one timeout on top. */
const FUZZ_MS = 20_000;

/** A stuck group committer never drains, so a graceful stop would wait forever: give up after a few seconds. */
async function stopWithin(server: TestServer, ms: number) {
  await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, ms))]);
}

function* until<T>(items: T[], deadline: number): Generator<T> {
  for (const item of items) {
    if (Date.now() > deadline) return;
    yield item;
  }
}

describe("webhook intake under fuzzed HTTP deliveries", () => {
  let server: TestServer;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  beforeAll(async () => {
    server = await startTestServer(FUZZ_ENV);
  });
  afterAll(async () => {
    agent.destroy();
    await stopWithin(server, 5000);
  });

  it("answers every request without hanging or a 5xx other than 503, stores every authorized one, and still accepts normal deliveries", async () => {
    // FUZZ_SEED reproduces a run; the seed is printed with any failure.
    const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
    const requests = fc.sample(anyDeliveryArb(), { seed, numRuns: 5000 });
    const tally = new Tally();
    await sendAll(server.app.url, until(requests, Date.now() + FUZZ_MS), { concurrency: 16, timeoutMs: TIMEOUT_MS, tally, agent });

    // Intake is not stuck: an ordinary delivery of every provider is still accepted.
    const healthy = await Promise.all(healthyDeliveries().map(async (r) => ({ request: r, outcome: await send(server.app.url, r, TIMEOUT_MS, agent) })));
    for (const { request, outcome } of healthy) {
      tally.record(request, outcome);
      const provider = request.provider;
      if (outcome.kind !== "answered" || outcome.status !== 200 || !outcome.body.includes('"accepted"')) {
        tally.failures.push({ category: "normal delivery not accepted after the fuzz", detail: `${provider}: ${JSON.stringify(outcome).slice(0, 200)}`, request: "" });
      }
    }
    // The answers are in, but a hung request's batch may still land: let the writer finish what it can.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = tally.checkStored(path.join(server.dir, "test.db"));
    const figures = { seed, sent: tally.sent, answered: tally.answered, hangs: tally.hangs, byStatus: Object.fromEntries(tally.byStatus), authorizedAnswered: tally.authorizedAnswered, storedRows: stored.rows };
    console.log(`HTTP fuzz: ${JSON.stringify(figures)}`);
    expect(summarize(tally.failures), `seed ${seed} (FUZZ_SEED=${seed} to reproduce)`).toEqual([]);
    // A healthy intake gets through hundreds of cases in the time given (the failures above explain a stall).
    expect(tally.sent).toBeGreaterThan(200);
  }, FUZZ_MS + 3 * TIMEOUT_MS + 20_000);
});

describe("regression: a TeleCMI time of 1e300 does not stall intake", () => {
  let server: TestServer;
  const agent = new http.Agent({ keepAlive: true });
  beforeAll(async () => {
    server = await startTestServer(FUZZ_ENV);
  });
  afterAll(async () => {
    agent.destroy();
    await stopWithin(server, 5000);
  });

  const telecmi = (body: string): FuzzRequest => ({
    provider: "telecmi", target: "valid", credentials: "valid", method: "POST", suffix: "", query: "", contentType: "application/json", body, origin: "hand-written",
  });

  it("two deliveries with time 1e300, then a valid one: all answered within 10 s, no 5xx but 503, the valid one accepted and stored", async () => {
    const tally = new Tally();
    const outcomes = [];
    for (const r of [
      telecmi('{"type":"event","status":"waiting","cmiuuid":"b1","conversation_uuid":"b1","time":"1e300"}'),
      telecmi('{"type":"event","status":"waiting","cmiuuid":"b2","conversation_uuid":"b2","time":"1e300"}'),
      healthyDeliveries().find((d) => d.provider === "telecmi")!,
    ]) {
      const outcome = await send(server.app.url, r, TIMEOUT_MS, agent);
      tally.record(r, outcome);
      outcomes.push(outcome);
    }
    expect(outcomes.map((o) => o.kind)).toEqual(["answered", "answered", "answered"]);
    const statuses = outcomes.map((o) => (o.kind === "answered" ? o.status : 0));
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses[2]).toBe(200);
    expect(outcomes[2]?.kind === "answered" && JSON.parse(outcomes[2].body).status).toBe("accepted");
    tally.checkStored(path.join(server.dir, "test.db"));
    expect(summarize(tally.failures)).toEqual([]);
  }, 3 * TIMEOUT_MS + 15_000);
});

describe("regression: a PIOPIY ws_status nested 30,000 deep", () => {
  let server: TestServer;
  const agent = new http.Agent({ keepAlive: true });
  beforeAll(async () => {
    server = await startTestServer(FUZZ_ENV);
  });
  afterAll(async () => {
    agent.destroy();
    await stopWithin(server, 5000);
  });

  it("is answered without a 5xx other than 503 and stored, for each shape of the nesting", async () => {
    const deep = `${'{"a":'.repeat(30_000)}1${"}".repeat(30_000)}`;
    const tally = new Tally();
    const shapes = [deep, `{"status":1,"x":${deep}}`, `{"message":${deep}}`, JSON.stringify(`{"status":1,"x":${deep}}`)];
    for (const [i, wsStatus] of shapes.entries()) {
      const r: FuzzRequest = {
        provider: "piopiy", target: "valid", credentials: "valid", method: "POST", suffix: "", query: "", contentType: "application/json",
        body: `{"appid":2222224,"direction":"inbound","leg":"b","status":"stream_connected","time":1725975496000,"cmiuuid":"deep-${i}","ws_status":${wsStatus}}`,
        origin: `ws_status shape ${i + 1}`,
      };
      tally.record(r, await send(server.app.url, r, TIMEOUT_MS, agent));
    }
    tally.checkStored(path.join(server.dir, "test.db"));
    expect(summarize(tally.failures)).toEqual([]);
  }, 4 * TIMEOUT_MS + 15_000);
});
