import { DayTally } from "../domain/day-tally";
import type { Call } from "../domain/model";
import type { DayStats } from "../domain/stats";

/**
 * The live state's calls by id, keeping today's figures current as calls come, change and leave (DayTally): the board's
 * once-a-second figures, every snapshot and the alert engine read them without walking every call held.
 */
export class CallMap extends Map<string, Call> {
  private readonly tally = new DayTally();

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

  override clear(): void {
    this.tally.clear();
    super.clear();
  }

  /** dayStats(this.values(), since, serviceLevelSeconds, now), kept current instead of recomputed. */
  dayStats(since: number, serviceLevelSeconds: number, now: number): DayStats {
    return this.tally.stats(() => this.entries(), since, serviceLevelSeconds, now);
  }
}
