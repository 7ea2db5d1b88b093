import { getTranslations } from "next-intl/server";
import { METRICS, type Metric } from "@/server/domain/thresholds";

interface Issue {
  params?: { id?: unknown; metric?: unknown; level?: unknown; max?: unknown; amber?: unknown; red?: unknown };
}

const isMetric = (value: unknown): value is Metric => typeof value === "string" && (METRICS as readonly string[]).includes(value);

/**
 * What was wrong with a thresholds form, in the admin's language: each zod issue of server/alerts/settings.ts names
 * its message (`params.id`) and values; a refused request of the alert service (AlertRuleError) its id. Errors are
 * recognised by shape (the service and this module are two copies apart); anything unexpected is thrown on.
 */
export async function thresholdProblems(error: unknown): Promise<string> {
  const t = await getTranslations("thresholds");
  if (error instanceof Error && error.name === "AlertRuleError" && "id" in error) {
    return error.id === "noWebhook" ? t("error.noWebhook") : t("error.noSuchGroup");
  }
  if (!(error instanceof Error && "issues" in error && Array.isArray(error.issues))) throw error;
  return (error.issues as Issue[])
    .map(({ params = {} }) => {
      const metric = isMetric(params.metric) ? params.metric : undefined;
      const named = metric ? { metric: t(`metric.${metric}`), unit: t(`unit.${metric}`) } : { metric: "", unit: "" };
      const level = params.level === "red" ? t("level.red") : t("level.amber");
      switch (params.id) {
        case "levelWhole":
          return t("error.levelWhole", { ...named, level, max: Number(params.max) });
        case "levelRange":
          return t("error.levelRange", { ...named, level, max: Number(params.max) });
        case "amberAboveRed":
          return t("error.amberAboveRed", { metric: named.metric, amber: Number(params.amber), red: Number(params.red) });
        case "amberBelowRed":
          return t("error.amberBelowRed", { metric: named.metric, amber: Number(params.amber), red: Number(params.red) });
        case "noSuchGroup":
          return t("error.noSuchGroup");
        case "url.invalid":
          return t("error.url.invalid");
        case "url.scheme":
          return t("error.url.scheme");
        case "url.noHost":
          return t("error.url.noHost");
        case "url.local":
          return t("error.url.local");
        default:
          return t("error.other");
      }
    })
    .join("; ");
}
