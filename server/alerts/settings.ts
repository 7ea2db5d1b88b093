import { z } from "zod";
import { DEFAULT_KEY, METRICS, WORSE_WHEN, type Limits, type Metric, type StoredThresholds } from "../domain/thresholds";
import { METRIC_LABEL } from "./payload";
import { checkWebhookUrl, type RefusalReason } from "./ssrf";
import type { GroupSettings, LevelSetting } from "./store";

/**
 * The admin form of one group's alert settings, validated (zod): each level is empty (inherit), `off`, or a number in
 * the metric's range; where both levels are numbers, red must be the worse one; the webhook URL is empty (none) or an
 * http(s) URL Callboard may call (ssrf.ts).
 */
export const LEVEL_RANGE: Record<Metric, { max: number; integer: boolean; unit: string }> = {
  waiting: { max: 10_000, integer: true, unit: "calls" },
  longestWait: { max: 86_400, integer: true, unit: "seconds" },
  serviceLevel: { max: 100, integer: false, unit: "%" },
  abandonedLastHour: { max: 10_000, integer: true, unit: "calls" },
  agentsAvailable: { max: 10_000, integer: true, unit: "agents" },
};

export const OFF = "off";

function parseLevel(metric: Metric, level: "amber" | "red", raw: string, ctx: z.RefinementCtx): LevelSetting {
  const text = raw.trim();
  if (text === "") return "inherit";
  if (text.toLowerCase() === OFF) return "off";
  const value = Number(text.replace(",", "."));
  const range = LEVEL_RANGE[metric];
  if (!Number.isFinite(value) || value < 0 || value > range.max || (range.integer && !Number.isInteger(value))) {
    ctx.addIssue({
      code: "custom",
      path: [METRIC_LABEL[metric]],
      message: `${level} must be ${range.integer ? "a whole number" : "a number"} from 0 to ${range.max} (${range.unit}), empty to inherit, or "${OFF}"`,
      params: { id: range.integer ? "levelWhole" : "levelRange", metric, level, max: range.max },
    });
    return "inherit";
  }
  return value;
}

const Text = z.string().max(2000).default("");

export const GroupSettingsForm = z.object({
  groupId: z.string().trim().min(1).max(100),
  levels: z.partialRecord(z.enum(METRICS), z.object({ amber: Text, red: Text })).default({}),
  webhookUrl: Text,
});
export type GroupSettingsForm = z.input<typeof GroupSettingsForm>;

export interface ParsedSettings {
  groupId: string;
  settings: GroupSettings;
  webhookUrl: string | null;
}

/** Reads and checks the form; throws a ZodError whose issues name the metric and say what is wrong. */
export function parseGroupSettings(input: unknown, allowLocal: boolean, groupExists: (id: string) => boolean): ParsedSettings {
  return GroupSettingsForm.transform((form, ctx): ParsedSettings => {
    if (form.groupId !== DEFAULT_KEY && !groupExists(form.groupId)) ctx.addIssue({ code: "custom", path: ["group"], message: "no such queue or project", params: { id: "noSuchGroup" } });
    const settings: GroupSettings = {};
    for (const metric of METRICS) {
      const raw = form.levels[metric] ?? { amber: "", red: "" };
      const amber = parseLevel(metric, "amber", raw.amber, ctx);
      const red = parseLevel(metric, "red", raw.red, ctx);
      if (typeof amber === "number" && typeof red === "number") {
        const wrong = WORSE_WHEN[metric] === "above" ? amber > red : amber < red;
        if (wrong) {
          ctx.addIssue({
            code: "custom",
            path: [METRIC_LABEL[metric]],
            message: `amber (${amber}) must be ${WORSE_WHEN[metric] === "above" ? "at most" : "at least"} red (${red}): red is the worse level`,
            params: { id: WORSE_WHEN[metric] === "above" ? "amberAboveRed" : "amberBelowRed", metric, amber, red },
          });
        }
      }
      settings[metric] = { amber, red };
    }
    let webhookUrl: string | null = null;
    if (form.webhookUrl.trim() !== "") {
      try {
        webhookUrl = checkWebhookUrl(form.webhookUrl, allowLocal);
      } catch (error) {
        const reason: RefusalReason = (error as { reason?: RefusalReason }).reason ?? "invalid";
        ctx.addIssue({ code: "custom", path: ["Webhook URL"], message: (error as Error).message, params: { id: `url.${reason}` } });
      }
    }
    return { groupId: form.groupId, settings, webhookUrl };
  }).parse(input);
}

/** A group's own stored levels as the form shows them: "" (inherits), "off", or the number. */
export function formLevels(stored: StoredThresholds, groupId: string): Record<Metric, { amber: string; red: string }> {
  const own = stored[groupId] ?? {};
  const show = (limits: Partial<Limits> | undefined, level: keyof Limits) => {
    const value = limits?.[level];
    return value === undefined ? "" : value === null ? OFF : String(value);
  };
  return Object.fromEntries(METRICS.map((metric) => [metric, { amber: show(own[metric], "amber"), red: show(own[metric], "red") }])) as Record<Metric, { amber: string; red: string }>;
}
