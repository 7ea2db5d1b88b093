"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { createToken, type CreateTokenState } from "./actions";

export function CreateTokenForm() {
  const t = useTranslations("admin");
  const [state, action, pending] = useActionState<CreateTokenState, FormData>(createToken, {});
  return (
    <form action={action} className="rounded-lg border border-slate-200 bg-white p-4" aria-label={t("tokens.createLabel")}>
      <h2 className="mb-3 text-lg font-semibold">{t("tokens.createTitle")}</h2>
      <label className="mb-3 block text-sm font-medium">
        {t("tokens.nameLabel")}
        <input name="name" required maxLength={100} className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
      </label>
      <button type="submit" disabled={pending} className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700">
        {t("tokens.create")}
      </button>
      {state.error ? <p role="alert" className="mt-3 text-sm text-red-700">{state.error}</p> : null}
      {state.token ? (
        <div role="status" className="mt-3 rounded-md bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200">
          <p className="mb-1">{t("tokens.createdOnce", { name: state.name ?? "" })}</p>
          <code className="block break-all rounded bg-white px-2 py-1" data-testid="new-token">{state.token}</code>
          <p className="mt-2 text-slate-600">
            {t.rich("tokens.usage", { code: (chunks) => <code>{chunks}</code> })}
          </p>
        </div>
      ) : null}
    </form>
  );
}
