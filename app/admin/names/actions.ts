"use server";

import { NamesQuery } from "@/server/names/directory";
import { getTranslations } from "next-intl/server";
import { adminAction, backTo, errorText } from "../action-helpers";

/** Saves an admin's name for an agent, queue or project (empty: back to the default), then returns to the same list page. */
export async function renameEntity(form: FormData) {
  const { runtime } = await adminAction("/admin/names");
  const t = await getTranslations("admin");
  const field = (name: string) => String(form.get(name) ?? "");
  // Where the form was: the list, search and page to return to (validated like the page's own query).
  const { show, q, page } = NamesQuery.parse({ show: field("show"), q: field("q"), page: field("page") });
  const back = { show, ...(q ? { q } : {}), ...(page > 1 ? { page: String(page) } : {}) };
  let message: Record<string, string>;
  try {
    const { label, displayName } = await runtime.names.rename({ kind: field("kind"), id: field("id"), displayName: field("displayName") });
    message = { done: displayName === null ? t("names.cleared", { label }) : t("names.saved", { label }) };
  } catch (error) {
    message = { error: await errorText(error) };
  }
  backTo("/admin/names", { ...message, ...back });
}
