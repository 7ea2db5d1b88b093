import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { Logger } from "../log";
import { checkWebhookUrl, guardedLookup, RefusedTargetError, type Resolver } from "./ssrf";
import type { DeliveryStatus } from "./store";

/**
 * The outgoing alert webhook: POSTs JSON to a group's URL, signed like Stripe/Svix, retried with exponential backoff
 * and jitter, from a bounded queue that nothing waits on (the engine and ingest only enqueue).
 *
 * Signature: `callboard-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with the timestamp (Unix
 * seconds) in `callboard-timestamp`; `callboard-delivery` names the delivery (the same on every retry: receivers can
 * drop repeats) and `callboard-event` the event. Each attempt is signed afresh with its own timestamp, so a receiver
 * may refuse timestamps older than a few minutes (replays) without refusing retries. README: "Alert webhooks".
 */
export const HEADER = {
  signature: "callboard-signature",
  timestamp: "callboard-timestamp",
  delivery: "callboard-delivery",
  event: "callboard-event",
} as const;

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * The receiver's check, as the README documents it: the signature over "<timestamp>.<raw body>" matches (compared in
 * constant time) and the timestamp is within `toleranceSeconds` of now.
 */
export function verifySignature(secret: string, body: string, headers: { signature?: string | null; timestamp?: string | null }, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface WebhookTarget {
  /** The webhook row the outcome is recorded on ("default" or a group id). */
  webhookId: string;
  url: string;
  secret: string;
}

export interface SenderOptions {
  log: Logger;
  /** CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL: loopback and link-local targets allowed (tests, a receiver on the same host). */
  allowLocal: boolean;
  /** Called after each attempt (the admin page shows the last one). Must not throw. */
  onAttempt?: (webhookId: string, status: DeliveryStatus, detail: string, at: number) => void;
  attempts?: number;
  /** The first retry waits about this long, each next one `factor` times longer (with jitter), at most maxDelayMs. */
  baseDelayMs?: number;
  factor?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** Deliveries waiting or under way at most; when full the oldest waiting one is dropped (and reported). */
  maxQueue?: number;
  concurrency?: number;
  random?: () => number;
}

interface Job {
  id: string;
  target: WebhookTarget;
  event: string;
  body: string;
  /** Deliveries with the same key go out in order (an alert's "ended" never overtakes its "opened"). */
  orderKey: string;
  attempt: number;
  dueAt: number;
  running: boolean;
}

export type AttemptResult = { ok: true; status: number } | { ok: false; retry: boolean; detail: string; refused?: boolean; retryAfterMs?: number };

/** One POST through node:http(s), with the SSRF-guarded lookup and a hard timeout; never follows redirects. */
export function post(url: string, body: string, headers: Record<string, string>, options: { allowLocal: boolean; timeoutMs: number; resolve?: Resolver }): Promise<AttemptResult> {
  let target: URL;
  try {
    target = new URL(checkWebhookUrl(url, options.allowLocal));
  } catch (error) {
    return Promise.resolve({ ok: false, retry: false, refused: true, detail: `refused: ${(error as Error).message}` });
  }
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      target,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "user-agent": "Callboard-Alerts/1", ...headers },
        lookup: guardedLookup(options.allowLocal, options.resolve) as never,
        timeout: options.timeoutMs,
      },
      (response) => {
        response.resume(); // the answer's body is not needed; drain it so the socket is freed
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve({ ok: true, status });
        const retry = status >= 500 || status === 429;
        const seconds = Number(response.headers["retry-after"]);
        resolve({ ok: false, retry, detail: `HTTP ${status}`, retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined });
      },
    );
    // `timeout` fires on socket inactivity; the overall deadline is the same figure.
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
    request.on("timeout", () => request.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)));
    request.on("error", (error) => {
      const refused = error instanceof RefusedTargetError || (error as NodeJS.ErrnoException).code === "EREFUSEDTARGET";
      resolve({ ok: false, retry: !refused, refused, detail: refused ? `refused: ${error.message}` : error.message });
    });
    request.on("close", () => clearTimeout(deadline));
    request.end(body);
  });
}

export class WebhookSender {
  private readonly jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private inFlight = 0;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly o: Required<Omit<SenderOptions, "onAttempt">> & Pick<SenderOptions, "onAttempt">;

  constructor(options: SenderOptions) {
    this.o = {
      attempts: 5,
      baseDelayMs: 5_000,
      factor: 3,
      maxDelayMs: 300_000,
      timeoutMs: 5_000,
      maxQueue: 1_000,
      concurrency: 4,
      random: Math.random,
      ...options,
    };
  }

  /** Queues a delivery; returns at once (never throws, never waits for the network). */
  send(target: WebhookTarget, event: string, payload: unknown, orderKey: string): void {
    if (this.closed) return;
    if (this.jobs.length >= this.o.maxQueue) {
      const index = this.jobs.findIndex((job) => !job.running);
      if (index === -1) {
        this.report(target.webhookId, "failed", `dropped ${event}: ${this.o.maxQueue} deliveries already under way`);
        return;
      }
      const [dropped] = this.jobs.splice(index, 1);
      this.report(dropped!.target.webhookId, "failed", `dropped ${dropped!.event}: the queue of ${this.o.maxQueue} deliveries is full`);
    }
    this.jobs.push({ id: randomUUID(), target, event, body: JSON.stringify(payload), orderKey, attempt: 0, dueAt: Date.now(), running: false });
    this.pump();
  }

  /** Deliveries waiting or under way. */
  pending(): number {
    return this.jobs.length;
  }

  /** Resolves when nothing is waiting or under way (tests, shutdown). */
  idle(): Promise<void> {
    if (this.jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.jobs.length = 0;
    this.settleIdle();
  }

  /** The wait before attempt `n + 1` after `n` failed: base × factor^(n−1), between half and all of it (jitter). */
  delayAfter(failedAttempts: number, retryAfterMs?: number): number {
    const full = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * this.o.factor ** (failedAttempts - 1));
    const jittered = full / 2 + (this.o.random() * full) / 2;
    return Math.min(this.o.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
  }

  private report(webhookId: string, status: DeliveryStatus, detail: string) {
    const log = status === "delivered" ? this.o.log.info.bind(this.o.log) : this.o.log.warn.bind(this.o.log);
    log({ webhook: webhookId, status }, `alert webhook: ${detail}`);
    try {
      this.o.onAttempt?.(webhookId, status, detail, Date.now());
    } catch (error) {
      this.o.log.error({ err: error }, "recording an alert webhook attempt failed");
    }
  }

  private pump() {
    if (this.closed) return;
    const now = Date.now();
    const blocked = new Set<string>();
    let nextDue = Infinity;
    for (const job of this.jobs) {
      // Only the first delivery of each order key may go; later ones wait for it to be done.
      if (blocked.has(job.orderKey)) continue;
      blocked.add(job.orderKey);
      if (job.running) continue;
      if (job.dueAt > now) {
        nextDue = Math.min(nextDue, job.dueAt);
        continue;
      }
      if (this.inFlight >= this.o.concurrency) break;
      void this.run(job);
    }
    if (nextDue < Infinity && nextDue < this.timerAt) {
      if (this.timer) clearTimeout(this.timer);
      this.timerAt = nextDue;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      }, nextDue - now);
      this.timer.unref();
    }
  }

  private async run(job: Job) {
    job.running = true;
    job.attempt++;
    this.inFlight++;
    const started = Date.now();
    const timestamp = Math.floor(started / 1000);
    const headers = {
      [HEADER.signature]: sign(job.target.secret, timestamp, job.body),
      [HEADER.timestamp]: String(timestamp),
      [HEADER.delivery]: job.id,
      [HEADER.event]: job.event,
    };
    const result = await post(job.target.url, job.body, headers, { allowLocal: this.o.allowLocal, timeoutMs: this.o.timeoutMs });
    this.inFlight--;
    job.running = false;
    const of = `attempt ${job.attempt} of ${this.o.attempts}`;
    if (result.ok) {
      this.remove(job);
      this.report(job.target.webhookId, "delivered", `${job.event}: HTTP ${result.status} in ${Date.now() - started} ms (${of})`);
    } else if (result.retry && job.attempt < this.o.attempts && !this.closed) {
      const wait = this.delayAfter(job.attempt, result.retryAfterMs);
      job.dueAt = Date.now() + wait;
      this.report(job.target.webhookId, "retrying", `${job.event}: ${result.detail} (${of}); next try in ${Math.round(wait / 1000)} s`);
    } else {
      this.remove(job);
      this.report(job.target.webhookId, result.refused ? "refused" : "failed", `${job.event}: ${result.detail} (${of}${result.retry ? ", giving up" : ", not retried"})`);
    }
    this.pump();
    this.settleIdle();
  }

  private remove(job: Job) {
    const index = this.jobs.indexOf(job);
    if (index !== -1) this.jobs.splice(index, 1);
  }

  private settleIdle() {
    if (this.jobs.length > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
