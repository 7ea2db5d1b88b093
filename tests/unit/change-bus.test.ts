import { describe, expect, it } from "vitest";
import { LocalChangeBus, type ChangeMessage } from "@/server/cluster/bus";

const message = (seq: number): ChangeMessage => ({ seq, term: 1, payload: `p${seq}` });

describe("LocalChangeBus (one node)", () => {
  it("hands each message to every subscriber before publish returns, in publish order", async () => {
    const bus = new LocalChangeBus();
    const a: number[] = [];
    const b: number[] = [];
    bus.subscribe((m) => a.push(m.seq));
    bus.subscribe((m) => b.push(m.seq));
    const pending = [bus.publish(message(1)), bus.publish(message(2))];
    // Synchronous: already there, before the promises are awaited.
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
    await Promise.all(pending);
  });

  it("only messages published after subscribing; none after unsubscribing; each subscription on its own", async () => {
    const bus = new LocalChangeBus();
    await bus.publish(message(1));
    const seen: number[] = [];
    const handler = (m: ChangeMessage) => seen.push(m.seq);
    const first = bus.subscribe(handler);
    const second = bus.subscribe(handler);
    await bus.publish(message(2));
    first();
    await bus.publish(message(3));
    second();
    await bus.publish(message(4));
    expect(seen).toEqual([2, 2, 3]);
  });

  it("a subscriber that throws does not keep the message from the others, nor fail the publish", async () => {
    const bus = new LocalChangeBus();
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error("boom");
    });
    bus.subscribe((m) => seen.push(m.seq));
    await expect(bus.publish(message(1))).resolves.toBeUndefined();
    expect(seen).toEqual([1]);
  });

  it("refuses a message that is not one (negative or fractional seq) and anything after close", async () => {
    const bus = new LocalChangeBus();
    const seen: number[] = [];
    bus.subscribe((m) => seen.push(m.seq));
    expect(() => bus.publish({ seq: -1, term: 1, payload: "" })).toThrow();
    expect(() => bus.publish({ seq: 1.5, term: 1, payload: "" })).toThrow();
    await bus.close();
    await expect(bus.publish(message(1))).rejects.toThrow(/closed/);
    expect(seen).toEqual([]);
  });
});
