// `npm run rebuild`: replays the delivery log from the start (docs/cluster.md, "Replay") and compares what it makes
// with the calls and agents the database holds now. Prints the differences; exits 1 if there are any.
import { compareStates, replayLog } from "../server/cluster/rebuild";
import { openDatabase } from "../server/db/client";
import { Store } from "../server/db/store";
import { databaseUrl } from "../server/db/url";
import { LiveState } from "../server/live/live-state";

const YEARS = 100 * 365 * 86_400_000;

async function main() {
  const db = await openDatabase(databaseUrl());
  try {
    const started = performance.now();
    const rebuilt = await replayLog(db);
    // Everything stored, not only the last day: the replay keeps every call.
    const stored = new LiveState();
    stored.load(await new Store(db).loadLive(Date.now(), { endedCallMs: YEARS, silentCallMs: YEARS, dedupeMs: 0, parkedMs: 0 }));
    const differences = compareStates(stored, rebuilt);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`replayed the log: ${rebuilt.calls.size} calls, ${rebuilt.agents.size} agents in ${seconds} s; stored: ${stored.calls.size} calls, ${stored.agents.size} agents`);
    for (const line of differences.slice(0, 50)) console.log(`  ${line}`);
    if (differences.length > 0) {
      console.log(`${differences.length} difference(s)`);
      process.exitCode = 1;
    } else console.log("the rebuilt state equals the stored one");
  } finally {
    await db.$disconnect();
  }
}

void main();
