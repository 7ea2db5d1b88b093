import { DayTally, type SavedTally } from "../domain/day-tally";
import type { Call } from "../domain/model";
import type { DayStats } from "../domain/stats";

/**
 * The live state's calls by id, keeping today's figures current as calls come, change and leave (DayTally): the board's
 * once-a-second figures, every snapshot and the alert engine read them without walking every call held.
 */
export class CallMap extends Map<string, Call> {
  private tally = new DayTally();

  override set(id: string, call: Call): this {
    super.set(id, call);
    // Map's constructor calls set for its entries before this class's fields exist; this map is built empty.
    this.tally?.set(id, call);
    return this;
  }

  override delete(id: string): boolean {
    this.tally.delete(id);
    return super.delete(id);
  }

  /** The call leaves memory but stays one of today's (it is stored): today's figures keep it. */
  retire(id: string): boolean {
    this.tally.retire(id);
    return super.delete(id);
  }

  /** A stored call is held again, as stored (as today's figures counted it when it was retired or loaded). */
  restore(id: string, call: Call): this {
    super.set(id, call);
    this.tally.restore(id, call);
    return this;
  }

  /**
   * Today's figures begin (at a load) from `stored`: a tally begun for the day that counted the day's stored calls not
   * held (DayTally.countStored), and the calls held are added to it; or one begun from the roll-ups, which count them
   * all (DayTally.beginWith), and the calls held are only held.
   */
  beginDay(stored: DayTally): void {
    this.tally = stored;
    // Begun from the roll-ups, the sums count the held calls already: they are held, not added.
    for (const [id, call] of this.entries()) {
      if (stored.countsHeld) stored.hold(id, call);
      else stored.set(id, call);
    }
  }

  /** Today's sums as plain data (DayTally.save). */
  savedTally(): SavedTally | undefined {
    return this.tally.save();
  }

  override clear(): void {
    this.tally.clear();
    super.clear();
  }

  /** The "No queue"/"No project" entries of today's figures of the calls a limited supervisor may see (DayTally.visibleNone). */
  visibleNone(since: number, serviceLevelSeconds: number, now: number, queueIds: readonly string[], projectIds: readonly string[]): Pick<DayStats, "queues" | "projects"> {
    return this.tally.visibleNone(() => this.entries(), since, serviceLevelSeconds, now, queueIds, projectIds);
  }

  /** dayStats(this.values(), since, serviceLevelSeconds, now), kept current instead of recomputed. */
  dayStats(since: number, serviceLevelSeconds: number, now: number): DayStats {
    return this.tally.stats(() => this.entries(), since, serviceLevelSeconds, now);
  }
}
