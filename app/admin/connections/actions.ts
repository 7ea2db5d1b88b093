"use server";

import { getTranslations } from "next-intl/server";
import { adminAction, backTo, errorText } from "../action-helpers";
import type { ConnectionInput } from "@/server/connections/types";

const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" && value !== "" ? value : undefined;
};

function input(form: FormData) {
  return {
    provider: String(form.get("provider") ?? ""),
    name: String(form.get("name") ?? ""),
    authType: String(form.get("authType") ?? "none"),
    authUser: field(form, "authUser"),
    authSecret: field(form, "authSecret"),
    authHeader: field(form, "authHeader"),
    keyMap: field(form, "keyMap"),
  } as ConnectionInput; // validated by the registry
}

export async function createConnection(form: FormData) {
  const { runtime } = await adminAction("/admin/connections");
  const t = await getTranslations("admin");
  let message: Record<string, string>;
  try {
    const connection = await runtime.registry.create(input(form));
    message = { done: t("connections.created", { name: connection.name }) };
  } catch (error) {
    message = { error: await errorText(error) };
  }
  backTo("/admin/connections", message);
}

export async function updateConnection(form: FormData) {
  const { runtime } = await adminAction("/admin/connections");
  const t = await getTranslations("admin");
  const id = String(form.get("id") ?? "");
  let message: Record<string, string>;
  try {
    const connection = await runtime.registry.update(id, input(form));
    message = { done: t("connections.saved", { name: connection.name }) };
  } catch (error) {
    message = { error: await errorText(error), edit: id };
  }
  backTo("/admin/connections", message);
}

export async function rotateConnectionKey(form: FormData) {
  const { runtime } = await adminAction("/admin/connections");
  const t = await getTranslations("admin");
  const connection = await runtime.registry.rotateKey(String(form.get("id") ?? ""));
  backTo("/admin/connections", { done: t("connections.rotated", { name: connection.name }) });
}
