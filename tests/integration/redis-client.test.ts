import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { RedisChangeBus } from "@/server/cluster/bus";
import { openRedis } from "@/server/redis/client";
import { redisUnavailable, startRedis, type RedisService } from "../helpers/redis";
import { until } from "../helpers/wait";

/** A logger whose entries the test can read. */
function recordingLogger() {
  const entries: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) entries.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), entries, messages: () => entries.map((e) => e.msg) };
}

describe("openRedis without a reachable Redis", () => {
  it("stops the start with an error naming the (redacted) URL", async () => {
    const { log } = recordingLogger();
    await expect(openRedis("redis://user:secret@127.0.0.1:1", log, { connectTimeoutMs: 300 })).rejects.toThrow(
      /Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1 is not reachable/,
    );
  });
});

describe.skipIf(redisUnavailable())("the Redis connection across a Redis restart", () => {
  let redis: RedisService | undefined;
  afterAll(() => redis?.stop());

  it("logs the loss once and the recovery, without crashing; commands and the change bus carry on", async () => {
    redis = await startRedis();
    const port = redis.port;
    const { log, messages } = recordingLogger();
    const connection = await openRedis(redis.url, log);
    const bus = await RedisChangeBus.open(connection.client, { log, blockMs: 500 });
    const seen: number[] = [];
    bus.subscribe((m) => seen.push(m.seq));
    try {
      await bus.publish({ seq: 1, term: 1, payload: "before" });
      await until(() => seen.includes(1), "the first message");

      await redis.stop();
      await until(() => messages().includes("redis connection failed; reconnecting"), "the loss logged");
      // Several retries happen while Redis is away; only the first is an error.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(messages().filter((m) => m === "redis connection failed; reconnecting")).toHaveLength(1);

      // A command sent meanwhile waits for the reconnect (offline queue) rather than failing.
      const pending = connection.client.set("callboard:test", "after");
      redis = await startRedis({ port });
      await expect(pending).resolves.toBe("OK");
      await until(() => messages().includes("redis connection restored"), "the recovery logged");
      expect(await connection.client.get("callboard:test")).toBe("after");

      // The restarted Redis kept nothing (no persistence): new entries still reach the reader.
      await bus.publish({ seq: 2, term: 1, payload: "after" });
      await until(() => seen.includes(2), "a message after the restart", 10_000);
      expect(seen).toEqual([1, 2]);
    } finally {
      await bus.close();
      await connection.close();
    }
  }, 60_000);
});
