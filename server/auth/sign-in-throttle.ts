import { RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";

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

/** In memory; swap in rate-limiter-flexible's Redis limiter when Callboard runs on several machines. */
const limiter = (bucket: Bucket, keyPrefix: string) => new RateLimiterMemory({ keyPrefix, points: bucket.failures, duration: bucket.windowSeconds });

export class SignInThrottle {
  private readonly buckets: { limiter: RateLimiterAbstract; lockSeconds: number; failures: number; key: (email: string, address: string) => string }[] = [
    { ...SIGN_IN_POLICY.account, limiter: limiter(SIGN_IN_POLICY.account, "sign-in-account"), key: (email, address) => `${email.trim().toLowerCase()}|${address}` },
    { ...SIGN_IN_POLICY.address, limiter: limiter(SIGN_IN_POLICY.address, "sign-in-address"), key: (_email, address) => address },
  ];

  /** Seconds until this attempt may be made, or 0 when it may be made now. */
  async wait(email: string, address: string): Promise<number> {
    let ms = 0;
    for (const bucket of this.buckets) {
      const state = await bucket.limiter.get(bucket.key(email, address));
      if (state && state.consumedPoints > bucket.failures && state.msBeforeNext > 0) ms = Math.max(ms, state.msBeforeNext);
    }
    return Math.ceil(ms / 1000);
  }

  async failed(email: string, address: string): Promise<void> {
    for (const bucket of this.buckets) {
      const key = bucket.key(email, address);
      const state = await bucket.limiter.penalty(key, 1);
      // The lock replaces the rest of the window: once it ends, counting starts afresh.
      if (state.consumedPoints >= bucket.failures) await bucket.limiter.block(key, bucket.lockSeconds);
    }
  }

  /** A right password clears its own account bucket only. */
  async succeeded(email: string, address: string): Promise<void> {
    const account = this.buckets[0]!;
    await account.limiter.delete(account.key(email, address));
  }
}
