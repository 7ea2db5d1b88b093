/**
 * `npm run bench:board`: how fast the live board shows updates in a real browser under load. Runs the real server and
 * Debian's Chromium, signs in as admin, then for each phase keeps N live calls across A agents while webhooks change them
 * at R events/s, and reports, per socket event, the time from its arrival in the page to the frame that shows it
 * (p50/p95/p99/max) and the long tasks (> 50 ms). The first phase is a small baseline measured in the same run.
 *
 *   npm run bench:board -- --seconds 20 --rate 50
 */
import { parseArgs } from "node:util";
import { startAppProcess } from "../../tests/helpers/app-process";
import { launchBrowser } from "../../tests/helpers/browser";
import type { BoardMetrics } from "../../app/board/metrics";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "20" }, rate: { type: "string", default: "50" } } });
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const APP = 777000;

interface Phase {
  name: string;
  agents: number;
  calls: number;
}

const PHASES: Phase[] = [
  { name: "baseline: 10 agents, 30 live calls", agents: 10, calls: 30 },
  { name: "load: 300 agents, 1,000 live calls", agents: 300, calls: 1000 },
];

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function main() {
  const app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "bench@example.com", CALLBOARD_ADMIN_PASSWORD: "bench-password-1", LOG_LEVEL: "warn" });
  const url = `${app.url}/api/webhooks/telecmi/${app.keys.telecmi}`;
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  };
  let serial = 0;
  // A TeleCMI inbound call answered by agent `n`: waiting → started → answered; later a hangup ends it.
  const startCall = async (agent: number) => {
    const id = `bench-${++serial}`;
    const base = { conversation_uuid: id, app_id: APP, from: `44${String(serial).padStart(9, "0")}`, to: "440000000001" };
    const leg = { ...base, leg: "b", type: "event", cmiuuid: `${id}-b`, user: `${agent}_${APP}`, team: `Team${agent % 20}_${APP}`, direction: "outbound" };
    await post({ ...base, type: "event", direction: "inbound", cmiuuid: id, time: Date.now(), status: "waiting" });
    await post({ ...leg, time: Date.now(), status: "started" });
    await post({ ...leg, time: Date.now(), status: "answered" });
    return { id, agent };
  };
  const endCall = (call: { id: string; agent: number }) =>
    post({ conversation_uuid: call.id, app_id: APP, leg: "b", type: "event", cmiuuid: `${call.id}-b`, user: `${call.agent}_${APP}`, team: `Team${call.agent % 20}_${APP}`, direction: "outbound", time: Date.now(), status: "hangup" });

  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${app.url}/sign-in?next=${encodeURIComponent("/?lens=agent&metrics=1")}`);
  await page.getByLabel("Email").fill("bench@example.com");
  await page.getByLabel("Password").fill("bench-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();

  const results: string[] = [];
  let live: { id: string; agent: number }[] = [];
  for (const phase of PHASES) {
    // Set up: end what the previous phase left, then open this phase's calls.
    for (const call of live) await endCall(call);
    live = [];
    for (let i = 0; i < phase.calls; i++) live.push(await startCall(i % phase.agents));
    await page.waitForTimeout(1500);
    await page.evaluate(() => {
      window.__callboardMetrics = { eventToFrameMs: [], longTasks: 0, longTaskMs: 0 };
    });

    // Measure: each cycle ends the oldest call and starts a new one (4 events), paced to `rate` events/s.
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < seconds * 1000) {
      const call = live.shift() as { id: string; agent: number };
      await endCall(call);
      live.push(await startCall(call.agent));
      sent += 4;
      const due = started + (sent / rate) * 1000;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    await page.waitForTimeout(1000);
    const m = (await page.evaluate(() => window.__callboardMetrics)) as BoardMetrics;
    const sorted = [...m.eventToFrameMs].sort((a, b) => a - b);
    const shown = await page.getByTestId("call").count();
    const elapsed = (Date.now() - started) / 1000;
    results.push(
      `${phase.name.padEnd(36)} ${(sent / elapsed).toFixed(1)} webhooks/s → ${sorted.length} socket events; event→frame p50 ${pct(sorted, 0.5).toFixed(1)} ms, p95 ${pct(sorted, 0.95).toFixed(1)} ms, p99 ${pct(sorted, 0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms; long tasks ${m.longTasks} (${m.longTaskMs.toFixed(0)} ms); ${shown} call rows on the page`,
    );
  }
  await browser.close();
  await app.stop();
  console.log(`board benchmark: ${seconds} s per phase at ${rate} webhooks/s, Chromium headless, ${new Date().toISOString()}`);
  for (const line of results) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
