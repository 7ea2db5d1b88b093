"use server";

import { getTranslations } from "next-intl/server";
import { adminAction, backTo, errorText } from "../action-helpers";

const list = (form: FormData, name: string) => form.getAll(name).map(String).filter(Boolean);

export async function createUser(form: FormData) {
  const { runtime } = await adminAction("/admin/users");
  const t = await getTranslations("admin");
  const tr = await getTranslations("common");
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
    message = { done: t("users.added", { email: user.email, role: tr(`role.${user.role}`) }) };
  } catch (error) {
    message = { error: await errorText(error) };
  }
  backTo("/admin/users", message);
}

export async function updateUser(form: FormData) {
  const { runtime } = await adminAction("/admin/users");
  const t = await getTranslations("admin");
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
    message = { done: t("users.saved", { email: user.email }) };
  } catch (error) {
    message = { error: await errorText(error), edit: id };
  }
  backTo("/admin/users", message);
}

export async function deleteUser(form: FormData) {
  const { runtime } = await adminAction("/admin/users");
  const t = await getTranslations("admin");
  const id = String(form.get("id") ?? "");
  let message: Record<string, string>;
  try {
    await runtime.auth.users.remove(id);
    runtime.refreshUser(id);
    message = { done: t("users.removed") };
  } catch (error) {
    message = { error: await errorText(error) };
  }
  backTo("/admin/users", message);
}
