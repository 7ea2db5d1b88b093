/**
 * Sends realistic call scenarios for all five providers to a running Callboard through its real webhook URLs.
 *
 *   npm run simulate                          # every scenario once, real-time pacing, against http://localhost:3000
 *   npm run simulate -- --rate 2 --duration 60 --speed 5 --duplicates 0.1 --shuffle 0.2
 *
 * Keys: --key-<provider> <key>, else CALLBOARD_<PROVIDER>_KEY, else read from the local database (DATABASE_URL).
 * Loops are bounded by --duration (seconds) and the target is whatever --url says (default loopback).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { openDatabase } from "../server/db/client";
import { databaseUrl } from "../server/db/url";
import { PROVIDERS, type ProviderId } from "../server/domain/events";
import { allScenarios, type Scenario, type Step } from "../server/simulator/scenarios";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.CALLBOARD_URL ?? "http://localhost:3000" },
    rate: { type: "string", default: "1" },
    duration: { type: "string", default: "0" },
    speed: { type: "string", default: "1" },
    duplicates: { type: "string", default: "0.1" },
    shuffle: { type: "string", default: "0.2" },
    providers: { type: "string", default: PROVIDERS.join(",") },
    ...Object.fromEntries(PROVIDERS.map((p) => [`key-${p}`, { type: "string" as const }])),
  },
});

const Options = z.object({
  url: z.string().url(),
  rate: z.coerce.number().positive().max(500),
  duration: z.coerce.number().min(0).max(3600),
  speed: z.coerce.number().positive().max(1000),
  duplicates: z.coerce.number().min(0).max(1),
  shuffle: z.coerce.number().min(0).max(1),
  providers: z.string().transform((s) => s.split(",").map((p) => z.enum(PROVIDERS).parse(p.trim()))),
});
const options = Options.parse(values);

async function connectionKeys(): Promise<Record<ProviderId, string>> {
  const keys: Partial<Record<ProviderId, string>> = {};
  for (const provider of PROVIDERS) {
    const given = (values as Record<string, string | undefined>)[`key-${provider}`] ?? process.env[`CALLBOARD_${provider.toUpperCase()}_KEY`];
    if (given) keys[provider] = given;
  }
  const missing = options.providers.filter((p) => !keys[p]);
  if (missing.length > 0) {
    const db = await openDatabase(databaseUrl());
    for (const provider of missing) {
      const row = await db.connection.findFirst({ where: { provider }, orderBy: { createdAt: "asc" } });
      if (!row) throw new Error(`no ${provider} connection in ${databaseUrl()}: start Callboard once, or pass --key-${provider}`);
      keys[provider] = row.key;
    }
    await db.$disconnect();
  }
  return keys as Record<ProviderId, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tally = new Map<string, number>();
let sent = 0;

async function send(provider: ProviderId, key: string, step: Step) {
  const url = `${options.url}/api/webhooks/${provider}/${key}${step.suffix}${step.query ? `?${step.query}` : ""}`;
  try {
    const res = await fetch(url, {
      method: step.method,
      headers: step.contentType ? { "content-type": step.contentType } : {},
      body: step.method === "POST" ? step.body : undefined,
    });
    const body = (await res.json().catch(() => ({}))) as { status?: string };
    const label = `${res.status} ${body.status ?? ""}`.trim();
    tally.set(label, (tally.get(label) ?? 0) + 1);
  } catch (error) {
    tally.set("network error", (tally.get("network error") ?? 0) + 1);
    if (sent === 0) throw new Error(`cannot reach ${options.url}: is Callboard running? (${String(error)})`);
  }
  sent++;
}

/** Plays one scenario with real pacing; some are delivered out of order, some deliveries twice. */
async function play(scenario: Scenario, key: string) {
  const steps = [...scenario.steps];
  if (Math.random() < options.shuffle && steps.length > 2) {
    const i = 1 + Math.floor(Math.random() * (steps.length - 2));
    [steps[i], steps[i + 1]] = [steps[i + 1] as Step, steps[i] as Step];
  }
  const start = Date.now();
  for (const step of steps) {
    const due = start + step.offsetMs / options.speed;
    await sleep(Math.max(0, due - Date.now()));
    await send(scenario.provider, key, step);
    if (Math.random() < options.duplicates) await send(scenario.provider, key, step);
  }
}

async function main() {
  const keys = await connectionKeys();
  const deadline = Date.now() + options.duration * 1000;
  const running: Promise<void>[] = [];
  let started = 0;
  do {
    const batch = allScenarios(Date.now()).filter((s) => options.providers.includes(s.provider));
    for (const scenario of batch) {
      running.push(play(scenario, keys[scenario.provider]));
      started++;
      await sleep(1000 / options.rate);
      if (options.duration > 0 && Date.now() > deadline) break;
    }
  } while (Date.now() < deadline);
  await Promise.all(running);
  console.log(`simulated ${started} calls, ${sent} deliveries to ${options.url}`);
  for (const [label, count] of [...tally].sort()) console.log(`  ${label.padEnd(16)} ${count}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
