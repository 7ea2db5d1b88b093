import { createHash, timingSafeEqual } from "node:crypto";
import type { ConnectionConfig } from "../connections/types";

/** Constant-time comparison of two secrets of any length (both are hashed to equal-length digests first). */
export function secretEquals(given: string | null | undefined, expected: string | null | undefined): boolean {
  if (!given || !expected) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Reads request headers by (case-insensitive) name: a Web `Headers`, or the fast path's view of Node's headers. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The credentials a connection requires on top of its URL key: HTTP Basic or Bearer (VOIPEX), or a custom
 * header and value (Conpeek). Returns the reason when they are wrong, so the attempt can be logged.
 */
export function checkCredentials(connection: ConnectionConfig, headers: HeaderReader): string | null {
  switch (connection.authType) {
    case "none":
      return null;
    case "basic": {
      const header = headers.get("authorization") ?? "";
      const match = /^Basic\s+(.+)$/i.exec(header);
      if (!match) return "missing Basic credentials";
      const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const password = colon < 0 ? "" : decoded.slice(colon + 1);
      // Evaluate both comparisons so timing does not tell which part was wrong.
      const userOk = secretEquals(user, connection.authUser);
      const passwordOk = secretEquals(password, connection.authSecret);
      return userOk && passwordOk ? null : "wrong Basic credentials";
    }
    case "bearer": {
      const match = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "");
      if (!match) return "missing Bearer token";
      return secretEquals(match[1]?.trim(), connection.authSecret) ? null : "wrong Bearer token";
    }
    case "header": {
      const name = connection.authHeader;
      if (!name) return "connection has no header configured";
      const value = headers.get(name);
      if (value === null) return `missing ${name} header`;
      return secretEquals(value, connection.authSecret) ? null : `wrong ${name} header`;
    }
  }
}
