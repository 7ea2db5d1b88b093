"use server";

import { adminAction, backTo } from "../action-helpers";
import { describeError } from "../describe-error";

const list = (form: FormData, name: string) => form.getAll(name).map(String).filter(Boolean);

export async function createUser(form: FormData) {
  const { runtime } = await adminAction("/admin/users");
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
  backTo("/admin/users", message);
}

export async function updateUser(form: FormData) {
  const { runtime } = await adminAction("/admin/users");
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
  backTo("/admin/users", message);
}

export async function deleteUser(form: FormData) {
  const { runtime } = await adminAction("/admin/users");
  const id = String(form.get("id") ?? "");
  let message: Record<string, string>;
  try {
    await runtime.auth.users.remove(id);
    runtime.refreshUser(id);
    message = { done: "User removed." };
  } catch (error) {
    message = { error: describeError(error) };
  }
  backTo("/admin/users", message);
}
