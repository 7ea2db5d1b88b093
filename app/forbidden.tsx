import Link from "next/link";
import { useTranslations } from "next-intl";

/** What `forbidden()` renders (status 403): a signed-in user asked for something their role may not see. */
export default function Forbidden() {
  const t = useTranslations("errors");
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="mb-2 text-xl font-bold">{t("forbiddenTitle")}</h1>
      <p className="text-slate-600">{t("forbiddenText")}</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline">{t("backToBoard")}</Link>
    </main>
  );
}
