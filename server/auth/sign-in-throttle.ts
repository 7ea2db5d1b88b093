import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisClient } from "../redis/client";

interface Bucket {
  /** Failures allowed within the window; the one that reaches it starts the lock. */
  failures: number;
  windowSeconds: number;
  lockSeconds: number;
}

/**
 * Failed sign-ins, counted twice:
 * - per email + address: 5 in 15 minutes lock that pair for a minute (guessing one account is slowed down, but a
 *   stranger cannot lock a user out from elsewhere, nor the other users behind the same proxy);
 * - per address: 100 in 15 minutes lock the address for 15 minutes (password spraying over many emails). A
 *   successful sign-in does not reset this one, or an attacker with one valid account could keep resetting it.
 */
export const SIGN_IN_POLICY = {
  account: { failures: 5, windowSeconds: 15 * 60, lockSeconds: 60 },
  address: { failures: 100, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
} as const satisfies Record<string, Bucket>;

/**
 * In memory on one node. With Redis (several nodes) the counts live in Redis, so failures counted on one node lock the
 * email on every node; while Redis is unreachable (not connected, or not answering within `REDIS_DEADLINE_MS`) each
 * node counts in its own memory instead (the insurance limiter), so sign-in keeps working, throttled per node.
 */
function limiters(bucket: Bucket, keyPrefix: string, redis: RedisClient | undefined): { limiter: RateLimiterAbstract; insurance?: RateLimiterAbstract } {
  const memory = new RateLimiterMemory({ keyPrefix, points: bucket.failures, duration: bucket.windowSeconds });
  if (!redis) return { limiter: memory };
  const shared = new RateLimiterRedis({
    storeClient: redis,
    // node-redis v4+ (rate-limiter-flexible's option for the `redis` package rather than ioredis)
    useRedisPackage: true,
    // Not connected: straight to the insurance instead of waiting in node-redis's offline queue.
    rejectIfRedisNotReady: true,
    keyPrefix: `callboard:${keyPrefix}`,
    points: bucket.failures,
    duration: bucket.windowSeconds,
    insuranceLimiter: memory,
  });
  return { limiter: shared, insurance: memory };
}

/** How long a sign-in waits for Redis before it counts in memory (a Redis that hangs rather than refuses). */
export const REDIS_DEADLINE_MS = 750;

export class SignInThrottle {
  private readonly buckets: { limiter: RateLimiterAbstract; insurance?: RateLimiterAbstract; lockSeconds: number; failures: number; key: (email: string, address: string) => string }[];

  constructor(options: { redis?: RedisClient } = {}) {
    const bucket = (policy: Bucket, prefix: string, key: (email: string, address: string) => string) => ({ ...policy, ...limiters(policy, prefix, options.redis), key });
    this.buckets = [
      bucket(SIGN_IN_POLICY.account, "sign-in-account", (email, address) => `${email.trim().toLowerCase()}|${address}`),
      bucket(SIGN_IN_POLICY.address, "sign-in-address", (_email, address) => address),
    ];
  }

  /**
   * One limiter call, on the insurance limiter when Redis does not answer in time. (A refused or unready Redis is
   * handled inside rate-limiter-flexible; this covers a connection that stays open and silent.)
   */
  private async call<T>(bucket: (typeof this.buckets)[number], run: (limiter: RateLimiterAbstract) => Promise<T>): Promise<T> {
    if (!bucket.insurance) return run(bucket.limiter);
    let timer: NodeJS.Timeout | undefined;
    const late = Symbol("late");
    const answer = await Promise.race([run(bucket.limiter), new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), REDIS_DEADLINE_MS)))]);
    clearTimeout(timer);
    return answer === late ? run(bucket.insurance) : answer;
  }

  /** Seconds until this attempt may be made, or 0 when it may be made now. */
  async wait(email: string, address: string): Promise<number> {
    let ms = 0;
    for (const bucket of this.buckets) {
      const state = await this.call(bucket, (limiter) => limiter.get(bucket.key(email, address)));
      if (state && state.consumedPoints > bucket.failures && state.msBeforeNext > 0) ms = Math.max(ms, state.msBeforeNext);
    }
    return Math.ceil(ms / 1000);
  }

  async failed(email: string, address: string): Promise<void> {
    for (const bucket of this.buckets) {
      const key = bucket.key(email, address);
      const state = await this.call(bucket, (limiter) => limiter.penalty(key, 1));
      // The lock replaces the rest of the window: once it ends, counting starts afresh.
      if (state.consumedPoints >= bucket.failures) await this.call(bucket, (limiter) => limiter.block(key, bucket.lockSeconds));
    }
  }

  /** A right password clears its own account bucket only. */
  async succeeded(email: string, address: string): Promise<void> {
    const account = this.buckets[0]!;
    await this.call(account, (limiter) => limiter.delete(account.key(email, address)));
  }
}
