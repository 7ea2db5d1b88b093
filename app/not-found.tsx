import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { connection } from "next/server";

/**
 * Unknown pages (status 404). Rendered per request, not prerendered: a prerendered page carries no CSP nonce, so its
 * scripts would be blocked by the policy every response gets (server/http/security-headers.ts).
 */
export default async function NotFound() {
  await connection();
  const t = await getTranslations("errors");
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="mb-2 text-xl font-bold">{t("notFoundTitle")}</h1>
      <p className="text-slate-600">{t("notFoundText")}</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline">{t("backToBoard")}</Link>
    </main>
  );
}
