import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { READER_NAME, RedisChangeBus, type ChangeMessage } from "@/server/cluster/bus";
import { createLogger } from "@/server/log";
import { openRedis, type RedisConnection } from "@/server/redis/client";
import { redisUnavailable, startRedis, type RedisService } from "../helpers/redis";
import { until } from "../helpers/wait";

const log = createLogger("silent");
const message = (seq: number, term = 1): ChangeMessage => ({ seq, term, payload: JSON.stringify({ seq, text: `change ${seq} ✓` }) });

/** CLIENT LIST's entries (id and name) of the change bus readers. */
async function readers(connection: RedisConnection): Promise<{ id: string; name: string }[]> {
  const list = String(await connection.client.sendCommand(["CLIENT", "LIST"]));
  return list
    .split("\n")
    .map((line) => Object.fromEntries(line.trim().split(" ").map((pair) => pair.split("=", 2) as [string, string])))
    .filter((fields) => fields.name === READER_NAME)
    .map((fields) => ({ id: fields.id!, name: fields.name! }));
}

/**
 * Two "nodes", each with its own Redis connection and RedisChangeBus on one Redis: what one publishes reaches the
 * other in publish order, and a reader whose connection is killed resumes from the last entry it saw.
 */
describe.skipIf(redisUnavailable())("the change bus over a Redis Stream", () => {
  let redis: RedisService;
  let nodeA: RedisConnection;
  let nodeB: RedisConnection;
  const buses: RedisChangeBus[] = [];
  // A fresh stream per test, so one test's entries are not another's.
  let stream = "";
  let tests = 0;
  const open = async (node: RedisConnection) => {
    const bus = await RedisChangeBus.open(node.client, { stream, log, blockMs: 1000 });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    redis = await startRedis();
    nodeA = await openRedis(redis.url, log);
    nodeB = await openRedis(redis.url, log);
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    stream = `callboard:changes:test-${++tests}`;
  });
  afterAll(async () => {
    await Promise.all([nodeA?.close(), nodeB?.close()]);
    await redis?.stop();
  });
  stream = `callboard:changes:test-0`;

  it("2,000 messages published by one node arrive at the other in order, none missing, and at the publisher too", async () => {
    const publisher = await open(nodeA);
    const subscriber = await open(nodeB);
    const onB: ChangeMessage[] = [];
    const onA: ChangeMessage[] = [];
    subscriber.subscribe((m) => onB.push(m));
    publisher.subscribe((m) => onA.push(m));
    // Not awaited one by one: all 2,000 in flight at once, as an applier under load would publish.
    const sent = Array.from({ length: 2000 }, (_, i) => message(i + 1, 3));
    await Promise.all(sent.map((m) => publisher.publish(m)));
    await until(() => onB.length >= 2000 && onA.length >= 2000, "2,000 messages on both nodes", 15_000);
    expect(onB).toEqual(sent);
    expect(onA).toEqual(sent);
    expect(await nodeA.client.xLen(stream)).toBe(2000);
  });

  it("a subscriber gets only what is published after it subscribed, and nothing after it unsubscribed", async () => {
    const publisher = await open(nodeA);
    const subscriber = await open(nodeB);
    const early: number[] = [];
    subscriber.subscribe((m) => early.push(m.seq));
    await publisher.publish(message(1));
    await until(() => early.includes(1), "the first message");
    const late: number[] = [];
    const unsubscribe = subscriber.subscribe((m) => late.push(m.seq));
    await publisher.publish(message(2));
    await until(() => late.includes(2) && early.includes(2), "the second message");
    unsubscribe();
    await publisher.publish(message(3));
    await until(() => early.includes(3), "the third message");
    expect(early).toEqual([1, 2, 3]);
    expect(late).toEqual([2]);
  });

  it("a bus opened after messages were published starts after them (not from the stream's beginning)", async () => {
    const publisher = await open(nodeA);
    for (let seq = 1; seq <= 5; seq++) await publisher.publish(message(seq));
    const subscriber = await open(nodeB);
    const seen: number[] = [];
    subscriber.subscribe((m) => seen.push(m.seq));
    await publisher.publish(message(6));
    await until(() => seen.includes(6), "the sixth message");
    expect(seen).toEqual([6]);
  });

  it("a subscriber whose connection is killed (CLIENT KILL) resumes without loss", async () => {
    const publisher = await open(nodeA);
    const subscriber = await open(nodeB);
    const seen: ChangeMessage[] = [];
    subscriber.subscribe((m) => seen.push(m));
    const sent = Array.from({ length: 3000 }, (_, i) => message(i + 1, 7));
    await Promise.all(sent.slice(0, 1000).map((m) => publisher.publish(m)));
    await until(() => seen.length > 0, "the first messages");

    // Both readers are on this Redis; the subscriber's is the one on node B's bus (opened second: the newer id).
    const before = await readers(nodeA);
    expect(before).toHaveLength(2);
    const victim = before.map((r) => Number(r.id)).sort((x, y) => x - y)[1]!;
    expect(await nodeA.client.sendCommand(["CLIENT", "KILL", "ID", String(victim)])).toBe(1);
    // Published while that reader reconnects (its first retry waits ≥ 100 ms).
    await Promise.all(sent.slice(1000).map((m) => publisher.publish(m)));

    await until(() => seen.length >= 3000, "all 3,000 messages after the reconnect", 15_000);
    expect(seen.map((m) => m.seq)).toEqual(sent.map((m) => m.seq));
    expect(seen).toEqual(sent);
    // It did reconnect: a new reader connection took the killed one's place.
    const after = await readers(nodeA);
    expect(after).toHaveLength(2);
    expect(after.map((r) => Number(r.id))).not.toContain(victim);
  });

  it("a malformed entry in the stream is skipped; the messages around it arrive", async () => {
    const publisher = await open(nodeA);
    const subscriber = await open(nodeB);
    const seen: number[] = [];
    subscriber.subscribe((m) => seen.push(m.seq));
    await publisher.publish(message(1));
    await nodeA.client.xAdd(stream, "*", { seq: "not a number", term: "1", payload: "x" });
    await publisher.publish(message(2));
    await until(() => seen.includes(2), "the message after the malformed one");
    expect(seen).toEqual([1, 2]);
  });

  it("close() ends the reader promptly and publish() after close is refused", async () => {
    const bus = await open(nodeA);
    const started = Date.now();
    await bus.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(bus.publish(message(1))).rejects.toThrow(/closed/);
    expect(await readers(nodeA)).toHaveLength(0);
  });
});
