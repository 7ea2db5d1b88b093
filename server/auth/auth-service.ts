import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { ApiTokens } from "./api-tokens";
import { dummyHash, verifyPassword } from "./password";
import { Preferences } from "./preferences";
import type { RedisClient } from "../redis/client";
import { SignInThrottle } from "./sign-in-throttle";
import type { AuthUser } from "./types";
import { Users } from "./users";

const SESSION_DAYS = 7;
/** How long a resolved session is trusted from memory before the database is asked again. */
const CACHE_MS = 30_000;
/** lastSeenAt is written at most this often per session. */
const TOUCH_MS = 5 * 60_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

export type SignInResult =
  | { ok: true; token: string; user: AuthUser; expiresAt: Date }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Sign-in, sessions and who-is-this. Sessions are opaque random tokens (the browser's httpOnly cookie); the database
 * keeps only their SHA-256, so a leaked database does not leak sessions. Failed sign-ins are throttled per email +
 * address and per address (sign-in-throttle.ts); a throttled attempt is answered 429 with Retry-After.
 */
export class AuthService {
  readonly users: Users;
  readonly tokens: ApiTokens;
  readonly preferences: Preferences;
  private readonly cache = new Map<string, { user: AuthUser; sessionId: string; until: number; expiresAt: number }>();
  private readonly touched = new Map<string, number>();
  private readonly throttle: SignInThrottle;

  /** With `redis`, failed sign-ins are counted in Redis (shared by every node; sign-in-throttle.ts). */
  constructor(
    private readonly db: Db,
    options: { redis?: RedisClient } = {},
  ) {
    this.throttle = new SignInThrottle({ redis: options.redis });
    this.users = new Users(db);
    this.tokens = new ApiTokens(db);
    this.preferences = new Preferences(db);
  }

  async signIn(email: string, password: string, address: string): Promise<SignInResult> {
    const wait = await this.throttle.wait(email, address);
    if (wait > 0) return { ok: false, reason: "throttled", retryAfterSeconds: wait };
    const found = await this.users.credentials(email);
    const valid = await verifyPassword(password, found?.passwordHash ?? (await dummyHash()));
    if (!found || !valid) {
      await this.throttle.failed(email, address);
      return { ok: false, reason: "invalid" };
    }
    await this.throttle.succeeded(email, address);
    const user = (await this.users.byId(found.id)) as AuthUser;
    const token = randomBytes(32).toString("base64url");
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
    await this.db.session.create({ data: { id: hashToken(token), userId: user.id, expiresAt, lastSeenAt: now } });
    return { ok: true, token, user, expiresAt };
  }

  /** The user a session token belongs to, or undefined when it is unknown or expired. */
  async userForToken(token: string | undefined): Promise<AuthUser | undefined> {
    if (!token) return undefined;
    const id = hashToken(token);
    const now = Date.now();
    const cached = this.cache.get(id);
    if (cached && cached.until > now && cached.expiresAt > now) return cached.user;
    const session = await this.db.session.findUnique({ where: { id } });
    if (!session || session.expiresAt.getTime() <= now) {
      this.cache.delete(id);
      return undefined;
    }
    const user = await this.users.byId(session.userId);
    if (!user) return undefined;
    this.cache.set(id, { user, sessionId: id, until: now + CACHE_MS, expiresAt: session.expiresAt.getTime() });
    if ((this.touched.get(id) ?? 0) < now - TOUCH_MS) {
      this.touched.set(id, now);
      await this.db.session.update({ where: { id }, data: { lastSeenAt: new Date(now) } });
    }
    return user;
  }

  async signOut(token: string | undefined): Promise<void> {
    if (!token) return;
    const id = hashToken(token);
    this.cache.delete(id);
    await this.db.session.deleteMany({ where: { id } });
  }

  /** Forgets cached sessions of a user whose role or scope changed. */
  forgetUser(userId: string): void {
    for (const [id, entry] of this.cache) if (entry.user.id === userId) this.cache.delete(id);
  }
}
