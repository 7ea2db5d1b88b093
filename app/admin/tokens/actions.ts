"use server";

import { revalidatePath } from "next/cache";
import { adminAction, backTo } from "../action-helpers";

export type CreateTokenState = { token?: string; name?: string; error?: string };

/** Creates a token and hands it back to the form once (it is never shown again, nor put in a URL). */
export async function createToken(_previous: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const { runtime, admin } = await adminAction("/admin/tokens");
  const name = String(form.get("name") ?? "").trim();
  if (!name) return { error: "give the token a name (what uses it)" };
  const { token, info } = await runtime.auth.tokens.create(name, admin.id);
  revalidatePath("/admin/tokens");
  return { token, name: info.name };
}

export async function revokeToken(form: FormData) {
  const { runtime } = await adminAction("/admin/tokens");
  await runtime.auth.tokens.revoke(String(form.get("id") ?? ""));
  backTo("/admin/tokens", { done: "Token revoked: it no longer works." });
}
