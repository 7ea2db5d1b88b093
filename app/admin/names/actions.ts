"use server";

import { NamesQuery } from "@/server/names/directory";
import { adminAction, backTo } from "../action-helpers";
import { describeError } from "../describe-error";
import { NAMES_TEXT } from "./strings";

/** Saves an admin's name for an agent, queue or project (empty: back to the default), then returns to the same list page. */
export async function renameEntity(form: FormData) {
  const { runtime } = await adminAction("/admin/names");
  const field = (name: string) => String(form.get(name) ?? "");
  // Where the form was: the list, search and page to return to (validated like the page's own query).
  const { show, q, page } = NamesQuery.parse({ show: field("show"), q: field("q"), page: field("page") });
  const back = { show, ...(q ? { q } : {}), ...(page > 1 ? { page: String(page) } : {}) };
  let message: Record<string, string>;
  try {
    const { label, displayName } = await runtime.names.rename({ kind: field("kind"), id: field("id"), displayName: field("displayName") });
    message = { done: displayName === null ? NAMES_TEXT.cleared(label) : NAMES_TEXT.saved(label) };
  } catch (error) {
    message = { error: describeError(error) };
  }
  backTo("/admin/names", { ...message, ...back });
}
