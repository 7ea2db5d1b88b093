import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { currentUser } from "@/app/lib/session";
import { SignOut } from "@/app/lib/sign-out";

export const dynamic = "force-dynamic";

/**
 * Admin area navigation. No access check here on purpose: a layout renders in parallel with its page, so it cannot
 * keep a page's data from being sent. Each admin page and action checks the role itself (requireRole, adminAction).
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Only who is signed in, for the sign-out control: what the page shows is checked by the page.
  const user = await currentUser();
  const t = await getTranslations("admin");
  return (
    <div className="mx-auto max-w-6xl p-4">
      <header className="mb-6 flex flex-wrap items-center gap-4 border-b border-slate-200 pb-3">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <nav className="flex flex-wrap gap-1 text-sm" aria-label={t("nav.label")}>
          <Link href="/admin/users" className="rounded px-3 py-1 hover:bg-slate-200">{t("nav.users")}</Link>
          <Link href="/admin/names" className="rounded px-3 py-1 hover:bg-slate-200">{t("nav.names")}</Link>
          <Link href="/admin/connections" className="rounded px-3 py-1 hover:bg-slate-200">{t("nav.connections")}</Link>
          <Link href="/admin/tokens" className="rounded px-3 py-1 hover:bg-slate-200">{t("nav.tokens")}</Link>
          <Link href="/admin/thresholds" className="rounded px-3 py-1 hover:bg-slate-200">{t("nav.thresholds")}</Link>
          <Link href="/" className="rounded px-3 py-1 hover:bg-slate-200">{t("nav.board")}</Link>
        </nav>
        {user ? <SignOut user={user} /> : null}
      </header>
      {children}
    </div>
  );
}
