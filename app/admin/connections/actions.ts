"use server";

import { redirect } from "next/navigation";
import { requireAdmin } from "@/app/lib/session";
import { describeError } from "../describe-error";
import { getRuntime } from "@/server/runtime";

const back = (params: Record<string, string>) => redirect(`/admin/connections?${new URLSearchParams(params)}`);


async function admin() {
  const user = await requireAdmin("/admin/connections");
  const runtime = getRuntime();
  if (user === "forbidden" || !runtime) throw new Error("forbidden");
  return runtime;
}

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
  } as Parameters<NonNullable<ReturnType<typeof getRuntime>>["registry"]["create"]>[0];
}

export async function createConnection(form: FormData) {
  const runtime = await admin();
  let message: Record<string, string>;
  try {
    const connection = await runtime.registry.create(input(form));
    message = { done: `Created ${connection.name}: paste its URL into the provider.` };
  } catch (error) {
    message = { error: describeError(error) };
  }
  back(message);
}

export async function updateConnection(form: FormData) {
  const runtime = await admin();
  const id = String(form.get("id") ?? "");
  let message: Record<string, string>;
  try {
    const connection = await runtime.registry.update(id, input(form));
    message = { done: `Saved ${connection.name}.` };
  } catch (error) {
    message = { error: describeError(error), edit: id };
  }
  back(message);
}

export async function rotateConnectionKey(form: FormData) {
  const runtime = await admin();
  const connection = await runtime.registry.rotateKey(String(form.get("id") ?? ""));
  back({ done: `New URL for ${connection.name}: the old one no longer works. Update it in the provider's console.` });
}
