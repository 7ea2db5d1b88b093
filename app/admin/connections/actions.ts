"use server";

import { adminAction, backTo } from "../action-helpers";
import { describeError } from "../describe-error";
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
  let message: Record<string, string>;
  try {
    const connection = await runtime.registry.create(input(form));
    message = { done: `Created ${connection.name}: paste its URL into the provider.` };
  } catch (error) {
    message = { error: describeError(error) };
  }
  backTo("/admin/connections", message);
}

export async function updateConnection(form: FormData) {
  const { runtime } = await adminAction("/admin/connections");
  const id = String(form.get("id") ?? "");
  let message: Record<string, string>;
  try {
    const connection = await runtime.registry.update(id, input(form));
    message = { done: `Saved ${connection.name}.` };
  } catch (error) {
    message = { error: describeError(error), edit: id };
  }
  backTo("/admin/connections", message);
}

export async function rotateConnectionKey(form: FormData) {
  const { runtime } = await adminAction("/admin/connections");
  const connection = await runtime.registry.rotateKey(String(form.get("id") ?? ""));
  backTo("/admin/connections", { done: `New URL for ${connection.name}: the old one no longer works. Update it in the provider's console.` });
}
