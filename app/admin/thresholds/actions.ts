"use server";

import { getTranslations } from "next-intl/server";
import { adminAction, backTo } from "../action-helpers";
import { thresholdProblems } from "./problems";
import { DEFAULT_KEY, METRICS } from "@/server/domain/thresholds";

const PAGE = "/admin/thresholds";
const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

/** One group's levels (`<metric>.amber`, `<metric>.red`) and webhook URL; validated by the alert service (zod). */
export async function saveThresholds(form: FormData) {
  const { runtime } = await adminAction(PAGE);
  const t = await getTranslations("thresholds");
  let message: Record<string, string>;
  try {
    const levels = Object.fromEntries(METRICS.map((metric) => [metric, { amber: text(form, `${metric}.amber`), red: text(form, `${metric}.red`) }]));
    const saved = await runtime.alerts.saveGroup({ groupId: text(form, "groupId"), levels, webhookUrl: text(form, "webhookUrl") });
    message = { done: saved.groupId === DEFAULT_KEY ? t("savedDefaults") : t("saved", { name: saved.name }) };
  } catch (error) {
    message = { error: await thresholdProblems(error) };
  }
  backTo(PAGE, message);
}

/** A new signing secret for a group's webhook (the old one stops verifying at once). */
export async function rotateAlertSecret(form: FormData) {
  const { runtime } = await adminAction(PAGE);
  const t = await getTranslations("thresholds");
  const groupId = text(form, "groupId");
  let message: Record<string, string>;
  try {
    await runtime.alerts.rotateSecret(groupId);
    message = { done: groupId === DEFAULT_KEY ? t("secretRotatedDefaults") : t("secretRotated", { name: runtime.alerts.nameOf(groupId) }), reveal: groupId };
  } catch (error) {
    message = { error: await thresholdProblems(error) };
  }
  backTo(PAGE, message);
}

/** Sends a test alert to the group's webhook now and says how it went. */
export async function sendTestAlert(form: FormData) {
  const { runtime } = await adminAction(PAGE);
  const t = await getTranslations("thresholds");
  const groupId = text(form, "groupId");
  let message: Record<string, string>;
  try {
    const result = await runtime.alerts.sendTest(groupId);
    message = result.ok ? { done: t("testSent", { detail: result.detail }) } : { error: t("testFailed", { detail: result.detail }) };
  } catch (error) {
    message = { error: await thresholdProblems(error) };
  }
  backTo(PAGE, message);
}
