import { haproxyMissing, startHaproxy } from "@/scripts/services/haproxy";
import { redisMissing, startRedis, type RedisService } from "@/scripts/services/redis";

export { startHaproxy, startRedis, type RedisService };

/**
 * For `describe.skipIf(...)`: true (skip) when the service's binary is missing here, said loudly. Under `CI=true`
 * it is never skipped: the test runs and fails on the starter's error, which names the package to install.
 */
function unavailable(missing: string | undefined): boolean {
  if (!missing) return false;
  const ci = process.env.CI;
  if (ci && ci !== "false" && ci !== "0") return false;
  const line = "!".repeat(100);
  console.warn(`\n${line}\n!! SKIPPED: ${missing}\n!! (Under CI=true this is a failure.)\n${line}\n`);
  return true;
}

export const redisUnavailable = () => unavailable(redisMissing());
export const haproxyUnavailable = () => unavailable(haproxyMissing());
