import { z } from "zod";
import { METRICS } from "../domain/thresholds";

/**
 * An alert as stored, pushed to boards (`alert:updated`) and POSTed to webhooks: one metric of one queue or project
 * out of "ok", from when it left until it was back. Times are epoch milliseconds.
 */
export const GroupKind = z.enum(["queue", "project"]);
export type GroupKind = z.infer<typeof GroupKind>;
export const Metric = z.enum(METRICS);
export const AlertLevel = z.enum(["amber", "red"]);
export type AlertLevel = z.infer<typeof AlertLevel>;

export const Alert = z.object({
  id: z.string(),
  groupKind: GroupKind,
  groupId: z.string(),
  metric: Metric,
  /** The worst level reached so far. */
  level: AlertLevel,
  startedAt: z.number(),
  /** When the worst value was seen. */
  peakAt: z.number(),
  /** The worst value (in the direction the metric gets worse: WORSE_WHEN). */
  peakValue: z.number(),
  /** When the metric was back at "ok" (for good: see the engine's quiet period); null while open. */
  endedAt: z.number().nullable(),
  lastValue: z.number(),
  lastAt: z.number(),
  version: z.number().int(),
});
export type Alert = z.infer<typeof Alert>;

/** What happened to an alert, as webhooks name it. `test` is an admin's "send a test alert". */
export type AlertEvent = "opened" | "escalated" | "ended" | "test";
