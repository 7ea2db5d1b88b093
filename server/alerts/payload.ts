import type { Limits, Metric } from "../domain/thresholds";
import type { Alert, AlertEvent, GroupKind } from "./types";

/**
 * What an alert webhook says: Slack-compatible JSON (`text`, and `blocks` for Slack's layout; other chat tools that
 * take Slack's format read `text`), plus a `callboard` object with the alert's fields for programs. English: the
 * receiving channel is shared by the whole centre.
 */
export interface AlertPayload {
  text: string;
  blocks: { type: "section"; text: { type: "mrkdwn"; text: string } }[];
  callboard: {
    event: AlertEvent;
    alert: Alert;
    /** `all`: a test of the defaults' webhook, which serves every queue and project without its own. */
    group: { kind: GroupKind | "all"; id: string; name: string };
    metric: { id: Metric; label: string; value: string; peak: string; amber: number | null; red: number | null };
    /** Where to look: the stored alerts of this group. */
    url: string | null;
  };
}

export const METRIC_LABEL: Record<Metric, string> = {
  waiting: "Calls waiting",
  longestWait: "Longest wait",
  serviceLevel: "Service level",
  abandonedLastHour: "Abandoned in the last hour",
  agentsAvailable: "Agents available",
};

/** A metric's value as people read it: m:ss for waits, % for the service level, a count otherwise. */
export function formatValue(metric: Metric, value: number | null): string {
  if (value === null) return "–";
  if (metric === "longestWait") return `${Math.floor(value / 60)}:${String(Math.round(value % 60)).padStart(2, "0")}`;
  if (metric === "serviceLevel") return `${Math.round(value)} %`;
  return String(Math.round(value));
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const MARK: Record<Alert["level"], string> = { amber: "🟠", red: "🔴" };

export function alertPayload(event: AlertEvent, alert: Alert, group: { kind: GroupKind | "all"; name: string }, limits: Limits, publicUrl: string | null): AlertPayload {
  const label = METRIC_LABEL[alert.metric];
  const where = group.kind === "all" ? "all queues and projects" : `${group.kind === "queue" ? "Queue" : "Project"} ${group.name}`;
  const value = formatValue(alert.metric, alert.lastValue);
  const peak = formatValue(alert.metric, alert.peakValue);
  const limit = limits[alert.level];
  const limitText = limit === null ? "" : ` (${alert.level} at ${formatValue(alert.metric, limit)})`;
  const text =
    event === "test"
      ? `Test alert from Callboard for ${where}: this webhook works.`
      : event === "ended"
        ? `✅ ${where}: ${label} back to normal (${value}). Peak ${peak}, ${alert.level}; lasted ${formatDuration((alert.endedAt ?? alert.lastAt) - alert.startedAt)}.`
        : event === "escalated"
          ? `${MARK.red} ${where}: ${label} ${value}, now red${limitText}.`
          : `${MARK[alert.level]} ${where}: ${label} ${value}, ${alert.level}${limitText}.`;
  const url = publicUrl ? `${publicUrl.replace(/\/$/, "")}/history/alerts?group=${encodeURIComponent(alert.groupId)}` : null;
  return {
    text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: url ? `${text} <${url}|Alerts>` : text } }],
    callboard: {
      event,
      alert,
      group: { kind: group.kind, id: alert.groupId, name: group.name },
      metric: { id: alert.metric, label, value, peak, amber: limits.amber, red: limits.red },
      url,
    },
  };
}
