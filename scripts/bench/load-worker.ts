/**
 * Load generator for `npm run bench:ingest`, run as its own process (the other core). Sends real scenario
 * deliveries of all five providers, each call with fresh ids, through autocannon; prints one JSON line.
 */
import autocannon from "autocannon";
import { allScenarios } from "../../server/simulator/scenarios";

interface Job {
  origin: string;
  keys: Record<string, string>;
  total: number;
  concurrency: number;
}

const { origin, keys, total, concurrency } = JSON.parse(process.env.BENCH_JOB ?? "{}") as Job;

// Pre-build the requests so generating payloads does not slow the load down.
const requests: { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: string }[] = [];
while (requests.length < total) {
  for (const scenario of allScenarios(Date.now())) {
    for (const step of scenario.steps) {
      requests.push({
        method: step.method,
        path: `/api/webhooks/${scenario.provider}/${keys[scenario.provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`,
        headers: step.contentType ? { "content-type": step.contentType } : {},
        body: step.method === "POST" ? step.body : undefined,
      });
    }
  }
}

let next = 0;
const statuses: Record<string, number> = {};
const instance = autocannon(
  {
    url: origin,
    connections: concurrency,
    amount: total,
    requests: [
      {
        setupRequest: (req) => {
          const r = requests[next++ % requests.length]!;
          return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body };
        },
      },
    ],
  },
  (error, result) => {
    if (error) throw error;
    process.stdout.write(
      `${JSON.stringify({
        perSecond: result.requests.total / (result.duration || 1),
        p50: result.latency.p50,
        p99: result.latency.p99,
        statuses,
        non2xx: result.non2xx,
      })}\n`,
    );
  },
);
instance.on("response", (_client, statusCode) => {
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
});
