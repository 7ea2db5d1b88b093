import { redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { currentUser, safeNext } from "@/app/lib/session";
import { LanguagePicker } from "./language-picker";

export const dynamic = "force-dynamic";

const ERRORS = ["invalid", "throttled"] as const;

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(params.next);
  if (await currentUser()) redirect(next);
  const t = await getTranslations("signIn");
  const error = ERRORS.find((e) => e === params.error);
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-4">
      <form method="post" action="/api/auth/sign-in" className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-1 text-xl font-bold">Callboard</h1>
        <p className="mb-5 text-sm text-slate-500">{t("subtitle")}</p>
        {error ? (
          <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
            {t(`error.${error}`)}
          </p>
        ) : null}
        <input type="hidden" name="next" value={next} />
        <label className="mb-3 block text-sm font-medium">
          {t("email")}
          <input name="email" type="email" autoComplete="username" required className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2" />
        </label>
        <label className="mb-5 block text-sm font-medium">
          {t("password")}
          <input name="password" type="password" autoComplete="current-password" required className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2" />
        </label>
        <button type="submit" className="w-full rounded-md bg-slate-900 px-3 py-2 font-semibold text-white hover:bg-slate-700">
          {t("submit")}
        </button>
      </form>
      <LanguagePicker current={await getLocale()} label={t("language")} />
    </main>
  );
}
