import Link from "next/link";
import { useTranslations } from "next-intl";

/**
 * Who is signed in, their settings, and the way out: the same form on every page (board, agent view, history, admin).
 * Works as a server component and inside client components (the board's).
 */
export function SignOut({ user, className = "ml-auto" }: { user: { name: string; role: string }; className?: string }) {
  const t = useTranslations("common");
  return (
    <form method="post" action="/api/auth/sign-out" className={`${className} flex items-center gap-2 text-sm`} data-testid="sign-out">
      <span className="text-slate-600" data-testid="signed-in-as">
        {user.name} <span className="text-slate-600">({t.has(`role.${user.role}`) ? t(`role.${user.role}`) : user.role})</span>
      </span>
      <Link href="/settings" className="rounded-md px-2 py-1 text-sky-700 underline hover:bg-slate-100" data-testid="settings-link">
        {t("settings")}
      </Link>
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-2 py-1 hover:bg-slate-100">
        {t("signOut")}
      </button>
    </form>
  );
}
