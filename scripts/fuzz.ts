/**
 * Long fuzz runs of the webhook intake: the same arbitraries and checks as tests/fuzz, against a real Callboard it
 * starts itself (temp folder, ephemeral port), and through the pure pipeline.
 *
 *   npm run fuzz -- --cases 100000 [--seed N] [--concurrency 32] [--providers telecmi,piopiy] [--timeout 10000]
 *
 * When intake gets stuck (a full round of hangs), that server is abandoned and a fresh one started, so one stall does
 * not hide every later failure. Prints figures at the end; exits 1 on any failure.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { PROVIDERS, type ProviderId } from "../server/domain/events";
import { DEFAULT_LIVE_OPTIONS, LiveState } from "../server/live/live-state";
import { startTestServer, type TestServer } from "../tests/helpers/server";
import { anyDeliveryArb, describeRequest, type FuzzRequest } from "../tests/fuzz/arbitraries";
import { FUZZ_ENV, Tally, isAuthorized, healthyDeliveries, send, sendAll, summarize, type Failure } from "../tests/fuzz/http";
import { runPipeline } from "../tests/fuzz/pipeline";
import { PURE_RECEIVED_AT, pipelineProperty } from "../tests/fuzz/pipeline-property";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "10000" },
    seed: { type: "string" },
    concurrency: { type: "string", default: "32" },
    providers: { type: "string", default: PROVIDERS.join(",") },
    timeout: { type: "string", default: "10000" },
  },
});
const cases = Number(values.cases);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const concurrency = Number(values.concurrency);
const timeoutMs = Number(values.timeout);
const providers = (values.providers ?? "").split(",").filter(Boolean) as ProviderId[];
const unknown = providers.filter((p) => !(PROVIDERS as readonly string[]).includes(p));
if (!Number.isInteger(cases) || cases <= 0 || !Number.isInteger(concurrency) || concurrency <= 0 || unknown.length > 0 || providers.length === 0) {
  console.error(`usage: npm run fuzz -- --cases N [--seed N] [--concurrency N] [--providers ${PROVIDERS.join(",")}] [--timeout ms]`);
  process.exit(2);
}

// The server runs in this process: a throw that escapes it (as a stuck batch writer's does) is a failure, not an exit.
const uncaught: string[] = [];
const onUncaught = (error: unknown) => uncaught.push(error instanceof Error ? `${error.name}: ${error.message} @ ${error.stack?.split("\n")[1]?.trim()}` : String(error));
process.on("uncaughtException", onUncaught);
process.on("unhandledRejection", onUncaught);

const CHUNK = 1000;
/** This many hangs with no authorized request answered in between: intake is stuck. */
const STUCK_AFTER = Math.min(8, concurrency);
const chunkOf = (index: number) => fc.sample(anyDeliveryArb(providers), { seed: seed + index, numRuns: Math.min(CHUNK, cases - index * CHUNK) });

/** Pure pipeline over the same cases; a fresh live state per chunk keeps memory flat. */
function pure() {
  const failures: Failure[] = [];
  let count = 0;
  for (let chunk = 0; chunk * CHUNK < cases; chunk++) {
    const live = new LiveState(DEFAULT_LIVE_OPTIONS);
    for (const request of chunkOf(chunk)) {
      count++;
      const { problems } = runPipeline(live, { id: `fuzz-${request.provider}`, provider: request.provider }, request, PURE_RECEIVED_AT);
      // Numbers and ids differ between cases of one defect: leave them out of its name.
      for (const problem of problems) failures.push({ category: `${request.provider}: ${problem.replace(/-?\d[\d.e+]*/g, "N").replace(/(call|leg) \S+/g, "$1 K").slice(0, 120)}`, detail: problem, request: describeRequest(request) });
    }
  }
  return { count, failures };
}

interface Instance {
  server: TestServer;
  tally: Tally;
  stuck: boolean;
}

async function fuzzHttp() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const instances: Instance[] = [];
  const start = async (): Promise<Instance> => {
    const instance = { server: await startTestServer(FUZZ_ENV), tally: new Tally(), stuck: false };
    instances.push(instance);
    return instance;
  };
  let current = await start();
  let consecutiveHangs = 0;
  for (let chunk = 0; chunk * CHUNK < cases; chunk++) {
    const pending = chunkOf(chunk);
    while (pending.length > 0) {
      const target = current;
      function* feed(): Generator<FuzzRequest> {
        while (pending.length > 0 && !target.stuck) yield pending.shift() as FuzzRequest;
      }
      await sendAll(target.server.app.url, feed(), {
        concurrency,
        timeoutMs,
        tally: target.tally,
        agent,
        onOutcome: (r, outcome) => {
          // Refusals (401/404/431) are answered before the group committer, so only authorized answers show it moving.
          if (outcome.kind === "hang") consecutiveHangs++;
          else if (outcome.kind === "answered" && isAuthorized(r) && outcome.status !== 431) consecutiveHangs = 0;
          if (consecutiveHangs >= STUCK_AFTER) target.stuck = true;
        },
      });
      if (target.stuck) {
        process.stdout.write(`intake stuck after ${sentSoFar(instances)} cases: starting a fresh server\n`);
        consecutiveHangs = 0;
        await finish(target, agent);
        current = await start();
      }
    }
    process.stdout.write(`\r${sentSoFar(instances)} / ${cases} sent`);
  }
  process.stdout.write("\n");
  await finish(current, agent);
  agent.destroy();
  return instances;
}

const sentSoFar = (instances: Instance[]) => instances.reduce((n, i) => n + i.tally.sent, 0);

/** Checks a healthy delivery, compares stored rows, then stops the server (abandons it if its intake is stuck). */
async function finish(instance: Instance, agent: http.Agent) {
  const { server, tally } = instance;
  if (!instance.stuck) {
    for (const r of healthyDeliveries()) {
      const outcome = await send(server.app.url, r, timeoutMs, agent);
      tally.record(r, outcome);
      if (outcome.kind !== "answered" || outcome.status !== 200 || !outcome.body.includes('"accepted"')) {
        tally.failures.push({ category: "normal delivery not accepted after the fuzz", detail: `${r.provider}: ${JSON.stringify(outcome).slice(0, 200)}`, request: "" });
      }
    }
  }
  tally.checkStored(path.join(server.dir, "test.db"));
  if (instance.stuck) {
    // A stuck group committer never drains: a graceful stop would wait forever.
    server.app.server.closeAllConnections();
    server.app.server.close();
  } else {
    await server.stop();
  }
}

function figures(instances: Instance[], pureResult: ReturnType<typeof pure>) {
  const byStatus = new Map<number, number>();
  const sum = (pick: (t: Tally) => number) => instances.reduce((n, i) => n + pick(i.tally), 0);
  for (const { tally } of instances) for (const [status, n] of tally.byStatus) byStatus.set(status, (byStatus.get(status) ?? 0) + n);
  const stored = instances.reduce((n, i) => n + i.tally.storedRows, 0);
  const lines = [
    `seed                          ${seed}   (npm run fuzz -- --cases ${cases} --seed ${seed} --concurrency ${concurrency} --providers ${providers.join(",")})`,
    `cases sent                    ${sum((t) => t.sent)} (${cases} fuzz cases + ${sum((t) => t.sent) - cases} normal deliveries probing intake after each server's run)`,
    `answered                      ${sum((t) => t.answered)}`,
    `by status                     ${[...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(", ")}`,
    `hangs (no answer in ${timeoutMs} ms) ${sum((t) => t.hangs)}`,
    `unanswered (connection lost)  ${sum((t) => t.unanswered)}`,
    `5xx other than 503            ${sum((t) => t.serverErrors)}`,
    `authorized requests           ${sum((t) => t.authorized)} (answered, not 503: ${sum((t) => t.authorizedAnswered)})`,
    `stored deliveries             ${stored}`,
    `servers started (stuck)       ${instances.length} (${instances.filter((i) => i.stuck).length})`,
    `uncaught server exceptions    ${uncaught.length}`,
    `pure pipeline cases           ${pureResult.count} (failures: ${pureResult.failures.length})`,
  ];
  return lines;
}

async function main() {
  const pureResult = pure();
  const instances = await fuzzHttp();
  for (const line of figures(instances, pureResult)) console.log(line);

  const httpFailures = instances.flatMap((i) => i.tally.failures);
  const distinctUncaught = [...new Set(uncaught)];
  if (httpFailures.length + pureResult.failures.length + uncaught.length > 0) {
    console.log("\nDistinct HTTP failures:");
    for (const line of summarize(httpFailures)) console.log(`  ${line}`);
    console.log("\nUncaught server exceptions:");
    for (const line of distinctUncaught) console.log(`  ${line} (×${uncaught.filter((u) => u === line).length})`);
    console.log("\nDistinct pure pipeline failures:");
    for (const line of summarize(pureResult.failures)) console.log(`  ${line}`);
    // fast-check's shrinking gives the smallest failing input per provider.
    console.log("\nMinimal pure counterexamples (fast-check, shrunk):");
    for (const provider of new Set(pureResult.failures.map((f) => f.request.match(/webhooks\/(\w+)/)?.[1] as ProviderId))) {
      const details = fc.check(pipelineProperty(provider), { seed, numRuns: 300 });
      if (details.failed) console.log(`  ${provider}: ${String(details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance).split("\n").join("\n    ")}`);
    }
    for (const { server } of instances) fs.rmSync(server.dir, { recursive: true, force: true });
    process.exit(1);
  }
  for (const { server } of instances) fs.rmSync(server.dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
