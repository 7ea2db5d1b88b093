import { randomUUID } from "node:crypto";

let lastMs = 0;
let counter = 0;

/**
 * Time-ordered ids for canonical events: 10 base-36 chars of milliseconds, then a per-millisecond counter,
 * then randomness. Sorting by id sorts by the order events were applied in this process.
 */
export function eventId(now = Date.now()): string {
  if (now <= lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  return `${lastMs.toString(36).padStart(10, "0")}${counter.toString(36).padStart(4, "0")}${randomUUID().slice(0, 8)}`;
}

export const newId = (): string => randomUUID();

/** When an event with this id was applied (ms; its first 10 characters). */
export const timeOfEventId = (id: string): number => parseInt(id.slice(0, 10), 36);

/** Every event applied at or before `ms` has an id below this, every later one not (ids compare as strings). */
export const eventIdAfter = (ms: number): string => (ms + 1).toString(36).padStart(10, "0");
