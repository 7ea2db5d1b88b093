import { getFormatter, getTranslations } from "next-intl/server";
import { ADMINS, requireRole } from "@/app/lib/session";
import { getRuntime } from "@/server/runtime";
import { Flash } from "../flash";
import { revokeToken } from "./actions";
import { CreateTokenForm } from "./create-token-form";

export const dynamic = "force-dynamic";

/** API tokens for integrations: read access to the call history API. */
export default async function TokensPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireRole("/admin/tokens", ADMINS);
  const params = await searchParams;
  const t = await getTranslations("admin");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const format = await getFormatter();
  const when = (date: Date | null) => (date ? format.dateTime(date, "minute") : t("tokens.never"));
  const tokens = await runtime.auth.tokens.list();
  return (
    <main>
      <h1 className="mb-1 text-2xl font-bold">{t("tokens.title")}</h1>
      <p className="mb-4 text-sm text-slate-600">{t("tokens.intro")}</p>
      <Flash done={params.done} error={params.error} />
      <table className="mb-6 w-full text-sm">
        <thead>
          <tr className="border-b border-slate-300 text-left text-slate-500"><th className="py-2">{t("tokens.name")}</th><th>{t("tokens.created")}</th><th>{t("tokens.lastUsed")}</th><th>{t("tokens.state")}</th><th /></tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id} className="border-b border-slate-200" data-testid="token-row">
              <td className="py-2 font-medium">{token.name}</td>
              <td>{when(token.createdAt)}</td>
              <td>{when(token.lastUsedAt)}</td>
              <td>{token.revokedAt ? t("tokens.revokedAt", { time: when(token.revokedAt) }) : t("tokens.active")}</td>
              <td className="text-right">
                {token.revokedAt ? null : (
                  <form action={revokeToken}>
                    <input type="hidden" name="id" value={token.id} />
                    <button type="submit" className="rounded-md px-2 py-1 text-sm text-red-700 ring-1 ring-red-300 hover:bg-red-50">{t("tokens.revoke")}</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.length === 0 ? <p className="mb-6 text-sm text-slate-500">{t("tokens.none")}</p> : null}
      <CreateTokenForm />
    </main>
  );
}
