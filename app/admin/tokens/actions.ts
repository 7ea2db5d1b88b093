"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { adminAction, backTo } from "../action-helpers";

export type CreateTokenState = { token?: string; name?: string; error?: string };

/** Creates a token and hands it back to the form once (it is never shown again, nor put in a URL). */
export async function createToken(_previous: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const { runtime, admin } = await adminAction("/admin/tokens");
  const t = await getTranslations("admin");
  const name = String(form.get("name") ?? "").trim();
  if (!name) return { error: t("tokens.nameRequired") };
  const { token, info } = await runtime.auth.tokens.create(name, admin.id);
  revalidatePath("/admin/tokens");
  return { token, name: info.name };
}

export async function revokeToken(form: FormData) {
  const { runtime } = await adminAction("/admin/tokens");
  await runtime.auth.tokens.revoke(String(form.get("id") ?? ""));
  const t = await getTranslations("admin");
  backTo("/admin/tokens", { done: t("tokens.revoked") });
}
