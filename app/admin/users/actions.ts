"use server";

import { redirect } from "next/navigation";
import { requireAdmin } from "@/app/lib/session";
import { describeError } from "../describe-error";
import { getRuntime } from "@/server/runtime";

const back = (params: Record<string, string>) => redirect(`/admin/users?${new URLSearchParams(params)}`);


async function admin() {
  const user = await requireAdmin("/admin/users");
  const runtime = getRuntime();
  if (user === "forbidden" || !runtime) throw new Error("forbidden");
  return runtime;
}

const list = (form: FormData, name: string) => form.getAll(name).map(String).filter(Boolean);

export async function createUser(form: FormData) {
  const runtime = await admin();
  let message: Record<string, string>;
  try {
    const user = await runtime.auth.users.create({
      email: String(form.get("email") ?? ""),
      name: String(form.get("name") ?? ""),
      password: String(form.get("password") ?? ""),
      role: String(form.get("role")) as "admin" | "supervisor" | "agent",
      queueIds: list(form, "queueIds"),
      projectIds: list(form, "projectIds"),
      agentIds: list(form, "agentIds"),
    });
    message = { done: `Added ${user.email} (${user.role}).` };
  } catch (error) {
    message = { error: describeError(error) };
  }
  back(message);
}

export async function updateUser(form: FormData) {
  const runtime = await admin();
  const id = String(form.get("id") ?? "");
  let message: Record<string, string>;
  try {
    const password = String(form.get("password") ?? "");
    const user = await runtime.auth.users.update(id, {
      name: String(form.get("name") ?? ""),
      role: String(form.get("role")) as "admin" | "supervisor" | "agent",
      ...(password ? { password } : {}),
      queueIds: list(form, "queueIds"),
      projectIds: list(form, "projectIds"),
      agentIds: list(form, "agentIds"),
    });
    runtime.refreshUser(id);
    message = { done: `Saved ${user.email}.` };
  } catch (error) {
    message = { error: describeError(error), edit: id };
  }
  back(message);
}

export async function deleteUser(form: FormData) {
  const runtime = await admin();
  const id = String(form.get("id") ?? "");
  let message: Record<string, string>;
  try {
    await runtime.auth.users.remove(id);
    runtime.refreshUser(id);
    message = { done: "User removed." };
  } catch (error) {
    message = { error: describeError(error) };
  }
  back(message);
}
