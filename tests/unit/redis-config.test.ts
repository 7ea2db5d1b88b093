import { describe, expect, it } from "vitest";
import { loadConfig } from "@/server/config";
import { reconnectDelay, redactRedisUrl } from "@/server/redis/client";

describe("REDIS_URL", () => {
  it("is optional (one node) and must be a redis:// or rediss:// URL", () => {
    expect(loadConfig({ NODE_ENV: "test" }).redisUrl).toBeUndefined();
    expect(loadConfig({ NODE_ENV: "test", REDIS_URL: "" }).redisUrl).toBeUndefined();
    expect(loadConfig({ NODE_ENV: "test", REDIS_URL: "redis://127.0.0.1:6379" }).redisUrl).toBe("redis://127.0.0.1:6379");
    expect(loadConfig({ NODE_ENV: "test", REDIS_URL: "rediss://user:secret@redis.example:6380/1" }).redisUrl).toBe("rediss://user:secret@redis.example:6380/1");
    expect(() => loadConfig({ NODE_ENV: "test", REDIS_URL: "http://127.0.0.1:6379" })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadConfig({ NODE_ENV: "test", REDIS_URL: "127.0.0.1:6379" })).toThrow(/REDIS_URL/);
  });

  it("is logged without its password", () => {
    expect(redactRedisUrl("rediss://user:secret@redis.example:6380/1")).toBe("rediss://user:***@redis.example:6380/1");
    expect(redactRedisUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });
});

describe("reconnecting to Redis", () => {
  it("waits 100 ms, doubling up to 2 s, with at most 20 % jitter", () => {
    for (const [retries, base] of [[0, 100], [1, 200], [3, 800], [4, 1600], [5, 2000], [50, 2000]] as const) {
      for (let i = 0; i < 20; i++) {
        const delay = reconnectDelay(retries);
        expect(delay).toBeGreaterThanOrEqual(base);
        expect(delay).toBeLessThanOrEqual(base * 1.2);
      }
    }
  });
});
