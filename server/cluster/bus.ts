import { z } from "zod";
import type { Logger } from "../log";
import type { RedisClient } from "../redis/client";

/** One change of the live state, as the applier publishes it; `seq` lets a replica see a gap, `term` a new applier. */
export interface ChangeMessage {
  seq: number;
  term: number;
  payload: string;
}

export interface ChangeBus {
  /** Appends to the bus; resolves when Redis has it. */
  publish(message: ChangeMessage): Promise<void>;
  /** Every message published after this call, in publish order, to `handler` (sync). Returns unsubscribe. */
  subscribe(handler: (message: ChangeMessage) => void): () => void;
  close(): Promise<void>;
}

type Handler = (message: ChangeMessage) => void;

const Counter = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const ChangeMessage = z.object({ seq: Counter, term: Counter, payload: z.string() });

/** Calls every handler; one that throws is logged and does not keep the message from the others. */
function fanOut(handlers: Set<Handler>, message: ChangeMessage, log: Logger | undefined): void {
  for (const handler of [...handlers]) {
    try {
      handler(message);
    } catch (error) {
      log?.error({ err: error, seq: message.seq }, "a change bus subscriber failed");
    }
  }
}

function subscribeTo(handlers: Set<Handler>, handler: Handler): () => void {
  // Wrapped, so the same function subscribed twice gets every message twice and unsubscribes each separately.
  const entry: Handler = (message) => handler(message);
  handlers.add(entry);
  return () => void handlers.delete(entry);
}

/** One node: publishing hands the message to every subscriber before `publish` returns. */
export class LocalChangeBus implements ChangeBus {
  private readonly handlers = new Set<Handler>();
  private closed = false;

  constructor(private readonly options: { log?: Logger } = {}) {}

  publish(message: ChangeMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error("change bus closed"));
    fanOut(this.handlers, ChangeMessage.parse(message), this.options.log);
    return Promise.resolve();
  }

  subscribe(handler: Handler): () => void {
    return subscribeTo(this.handlers, handler);
  }

  close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    return Promise.resolve();
  }
}

export const CHANGE_STREAM = "callboard:changes";
export const READER_NAME = "callboard-change-bus";

/** An entry as the stream holds it: decimal text fields. */
const Decimal = z.string().regex(/^\d{1,16}$/).transform(Number).pipe(Counter);
const StreamEntry = z.object({ seq: Decimal, term: Decimal, payload: z.string() });
const XReadReply = z
  .array(z.object({ name: z.string(), messages: z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()) })) }))
  .nullable();

export interface RedisChangeBusOptions {
  /** The stream's key (default `callboard:changes`). */
  stream?: string;
  /** Entries kept (approximately): how far a reconnecting reader can resume. */
  maxLen?: number;
  /** How long one XREAD waits for news before it is issued again. */
  blockMs?: number;
  /** Entries fetched per XREAD. */
  count?: number;
  log?: Logger;
}

/**
 * Several nodes: a Redis Stream. `publish` is an XADD (`MAXLEN ~ 100000`) on the node's shared connection; a reader on
 * its own duplicated connection (XREAD BLOCK keeps a connection busy) reads from the position the stream had when the
 * bus was opened, then always from the last entry id it saw, so after a reconnect it resumes where it stopped for as
 * long as the stream still holds those entries. Gaps (entries trimmed away meanwhile) are the replica's to notice,
 * from `seq`. The start is an explicit id rather than `$` re-sent on each XREAD, which would skip whatever arrived
 * between two reads.
 */
export class RedisChangeBus implements ChangeBus {
  private readonly handlers = new Set<Handler>();
  private closed = false;
  private reading: Promise<void> = Promise.resolve();

  private constructor(
    private readonly client: RedisClient,
    private readonly reader: RedisClient,
    private lastId: string,
    private readonly options: Required<Omit<RedisChangeBusOptions, "log">> & { log?: Logger },
  ) {}

  static async open(client: RedisClient, options: RedisChangeBusOptions = {}): Promise<RedisChangeBus> {
    const settings = { stream: CHANGE_STREAM, maxLen: 100_000, blockMs: 5000, count: 1000, ...options };
    // Named, so an operator (and the tests) can tell it in CLIENT LIST; the name is set again on every reconnect.
    const reader = client.duplicate({ name: READER_NAME });
    let failing = false;
    reader.on("error", (error: unknown) => {
      if (!failing) settings.log?.warn({ err: error }, "change bus reader lost its redis connection; reconnecting");
      failing = true;
    });
    reader.on("ready", () => {
      if (failing) settings.log?.info("change bus reader reconnected");
      failing = false;
    });
    await reader.connect();
    const [last] = await client.xRevRange(settings.stream, "+", "-", { COUNT: 1 });
    const bus = new RedisChangeBus(client, reader, last?.id ?? "0-0", settings);
    bus.reading = bus.read();
    return bus;
  }

  async publish(message: ChangeMessage): Promise<void> {
    if (this.closed) throw new Error("change bus closed");
    const { seq, term, payload } = ChangeMessage.parse(message);
    await this.client.xAdd(
      this.options.stream,
      "*",
      { seq: String(seq), term: String(term), payload },
      { TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: this.options.maxLen } },
    );
  }

  subscribe(handler: Handler): () => void {
    return subscribeTo(this.handlers, handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    // Ends the blocked XREAD at once (it rejects, and the loop sees `closed`).
    if (this.reader.isOpen) this.reader.destroy();
    await this.reading;
  }

  private async read(): Promise<void> {
    const { stream, blockMs, count, log } = this.options;
    while (!this.closed) {
      let reply: unknown;
      try {
        reply = await this.reader.xRead({ key: stream, id: this.lastId }, { BLOCK: blockMs, COUNT: count });
      } catch (error) {
        if (this.closed) return;
        // The connection dropped: node-redis reconnects, and the next XREAD (queued until then) resumes from lastId.
        log?.debug({ err: error }, "change bus read failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const parsed = XReadReply.safeParse(reply);
      if (!parsed.success) {
        log?.error({ issues: parsed.error.issues }, "unexpected XREAD reply on the change bus");
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      for (const { messages } of parsed.data ?? []) {
        for (const { id, message } of messages) {
          this.lastId = id;
          if (this.closed) return;
          const entry = StreamEntry.safeParse(message);
          if (!entry.success) {
            log?.error({ id, issues: entry.error.issues }, "skipped a malformed change bus entry");
            continue;
          }
          fanOut(this.handlers, entry.data, log);
        }
      }
    }
  }
}
