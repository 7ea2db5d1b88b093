/**
 * Which calls a board shows, found without walking every call held: the open ones, and the ended ones that changed
 * within the window asked for (`LiveState.boardCalls`: live, or ended and changed here within `recentMs`). The live
 * state tells it every call it holds (with when it last changed here) and every call it drops.
 *
 * Ended calls are kept by their last change and dropped from the index once older than the widest window ever asked
 * for before the latest `now` read; a wider window than that rebuilds the index once from every call held. So a read
 * costs the open calls plus the calls ended within that window, not the day's calls. Reads are expected with a clock
 * that does not go back by more than the window. Pure data structure: no clock.
 */
export interface Held {
  id: string;
  open: boolean;
  changedAt: number;
}

export class BoardIndex {
  private readonly open = new Set<string>();
  private readonly ended = new Map<string, number>();
  private widest = 0;
  /** The latest `now` read with: ended calls older than the widest window before it are not needed again. */
  private now = -Infinity;

  hold({ id, open, changedAt }: Held): void {
    if (open) {
      this.open.add(id);
      this.ended.delete(id);
    } else {
      this.open.delete(id);
      if (changedAt >= this.oldestKept) this.ended.set(id, changedAt);
      else this.ended.delete(id);
    }
  }

  drop(id: string): void {
    this.open.delete(id);
    this.ended.delete(id);
  }

  clear(): void {
    this.open.clear();
    this.ended.clear();
    this.widest = 0;
    this.now = -Infinity;
  }

  /** The ids of the calls a board shows at `now`: open, or ended and changed since `now - recentMs`. */
  ids(now: number, recentMs: number, everything: () => Iterable<Held>): string[] {
    if (recentMs > this.widest) {
      // Wider than anything kept: take every call held again.
      this.open.clear();
      this.ended.clear();
      this.widest = recentMs;
      this.now = now;
      for (const held of everything()) this.hold(held);
    }
    this.now = Math.max(this.now, now);
    const out = [...this.open];
    for (const [id, changedAt] of this.ended) {
      if (changedAt >= now - recentMs) out.push(id);
      else if (changedAt < this.oldestKept) this.ended.delete(id);
    }
    return out;
  }

  private get oldestKept(): number {
    return this.now - this.widest;
  }
}
