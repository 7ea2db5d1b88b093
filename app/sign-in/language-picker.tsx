"use client";

import { useRouter } from "next/navigation";
import { LOCALE_COOKIE } from "@/i18n/cookies";

/** The languages, each in its own name (whoever cannot read the current one can still find theirs). */
const LANGUAGES = [
  { locale: "en", name: "English" },
  { locale: "cs", name: "Čeština" },
  { locale: "pl", name: "Polski" },
] as const;

/** Before signing in there is no stored preference: the choice goes into the NEXT_LOCALE cookie. */
export function LanguagePicker({ current, label }: { current: string; label: string }) {
  const router = useRouter();
  return (
    <nav aria-label={label} className="flex gap-3 text-sm">
      {LANGUAGES.map(({ locale, name }) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-current={locale === current ? "true" : undefined}
          className={locale === current ? "font-semibold text-slate-900" : "text-sky-700 underline"}
          onClick={() => {
            document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
            router.refresh();
          }}
        >
          {name}
        </button>
      ))}
    </nav>
  );
}
