import type { Metric } from "@/server/domain/thresholds";

/** What next-intl's getFormatter() gives (only what is used here). */
interface Formatter {
  number(value: number, format: "percent"): string;
}

/** A watched figure's value as pages show it: m:ss for waits, a percentage in the viewer's language, else a count. */
export function metricValue(metric: Metric, value: number | null, format: Formatter): string {
  if (value === null) return "–";
  if (metric === "longestWait") return clock(value * 1000);
  if (metric === "serviceLevel") return format.number(value / 100, "percent");
  return String(Math.round(value));
}

/** A duration as a clock (m:ss, or h:mm:ss from an hour): the same in every language. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const two = (n: number) => String(n).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}
