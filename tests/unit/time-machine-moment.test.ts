import { describe, expect, it } from "vitest";
import { readMoment } from "@/app/board/use-replay";
import { Busy, Moment, refusal, TooFarBack } from "@/server/history/time-machine";
import { eventId, eventIdAfter, timeOfEventId } from "@/server/live/ids";

describe("the time machine's moments", () => {
  it("a moment is ISO 8601 with its offset, or epoch milliseconds, between 2000 and 2100; anything else says what it wants", () => {
    expect(Moment.parse("2026-12-06T10:32:00Z")).toBe(Date.UTC(2026, 11, 6, 10, 32));
    expect(Moment.parse("2026-12-06T11:32:00.250+01:00")).toBe(Date.UTC(2026, 11, 6, 10, 32, 0, 250));
    expect(Moment.parse("1796587178864")).toBe(1796587178864);
    for (const bad of ["", "\u0000", "2026-12-06T10:32:00", "2026-12-06", "1999-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "x".repeat(41), "12e12", "-1", "2026-02-30T10:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T10:60:00Z", "2026-12-06T10:32:00 01:00"]) {
      const parsed = Moment.safeParse(bad);
      expect(parsed.success, bad).toBe(false);
    }
    expect(Moment.safeParse("tomorrow").error?.issues[0]?.message).toMatch(/2026-12-06T10:32:00Z/);
    // The board page reads its URL the same way (a link the API refuses is never replayed as some other moment).
    for (const text of ["2026-12-06T10:32:00Z", "1796587178864", "2026-12-06T10:32:00", "2026-02-30T10:00:00Z", "-1", "1e20"]) {
      const parsed = Moment.safeParse(text);
      expect(readMoment(text), text).toBe(parsed.success ? parsed.data : null);
    }
  });

  it("event ids carry the millisecond they were applied in, and eventIdAfter(ms) splits them there", () => {
    const t = Date.now() + 10_000;
    const ids = [eventId(t), eventId(t), eventId(t + 1), eventId(t + 5)];
    expect(ids.map(timeOfEventId)).toEqual([t, t, t + 1, t + 5]);
    expect(ids.filter((id) => id < eventIdAfter(t))).toEqual(ids.slice(0, 2));
    expect(ids.filter((id) => id < eventIdAfter(t + 1))).toEqual(ids.slice(0, 3));
    expect([...ids].sort()).toEqual(ids);
  });

  it("a refused replay is told by its error's name, so the route's copy of the module (Next.js's) still answers 503 or 422", () => {
    expect(refusal(new Busy("busy"))).toEqual({ status: 503, message: "busy" });
    expect(refusal(new TooFarBack("far"))).toEqual({ status: 422, message: "far" });
    // Errors of another copy of these classes: the same names, not the same classes.
    expect(refusal(Object.assign(new Error("busy elsewhere"), { name: "TimeMachineBusy" }))).toEqual({ status: 503, message: "busy elsewhere" });
    expect(refusal(Object.assign(new Error("far elsewhere"), { name: "TimeMachineTooFarBack" }))).toEqual({ status: 422, message: "far elsewhere" });
    expect(refusal(new Error("boom"))).toBeUndefined();
    expect(refusal("busy")).toBeUndefined();
  });
});
