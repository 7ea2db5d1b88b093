import Link from "next/link";
import { useTranslations } from "next-intl";
import { getFormatter, getTranslations } from "next-intl/server";
import { CopyButton } from "./copy-button";
import { connectionHealth, type ConnectionHealth } from "@/server/connections/health";
import type { ConnectionConfig } from "@/server/connections/types";
import { PROVIDERS } from "@/server/domain/events";
import { ADMINS, requireRole } from "@/app/lib/session";
import { getRuntime } from "@/server/runtime";
import { Flash } from "../flash";
import { createConnection, rotateConnectionKey, updateConnection } from "./actions";

export const dynamic = "force-dynamic";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm";
const button = "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700";

async function Health({ health, now, silentMinutes }: { health: ConnectionHealth | undefined; now: number; silentMinutes: number }) {
  if (!health) return null;
  const t = await getTranslations("admin");
  const format = await getFormatter();
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4" data-testid="connection-health">
      <div>
        <dt className="text-slate-500">{t("connections.lastDelivery")}</dt>
        <dd className="font-medium">{health.lastDeliveryAt === null ? t("connections.never") : format.relativeTime(Math.min(health.lastDeliveryAt, now), now)}</dd>
      </div>
      <div>
        <dt className="text-slate-500">{t("connections.lastHour")}</dt>
        <dd className="font-medium tabular-nums">{t("connections.deliveries", { count: health.lastHour })}</dd>
      </div>
      <div>
        <dt className="text-slate-500">{t("connections.refused")}</dt>
        <dd className={`font-medium tabular-nums ${health.rejectedLastHour > 0 ? "text-red-700" : ""}`}>{health.rejectedLastHour}</dd>
      </div>
      <div>
        <dt className="text-slate-500">{t("connections.lag")}</dt>
        <dd className="font-medium tabular-nums">{health.lagMs === null ? t("connections.noLag") : t("connections.lagSeconds", { seconds: format.number(health.lagMs / 1000, "tenths") })}</dd>
      </div>
      {health.silent ? (
        <p role="status" className="col-span-full mt-1 rounded-md bg-amber-50 px-3 py-1.5 text-amber-900 ring-1 ring-amber-200" data-testid="silent-warning">
          {t("connections.silent", { minutes: silentMinutes })}
        </p>
      ) : null}
    </dl>
  );
}

function AuthFields({ connection, provider }: { connection?: ConnectionConfig; provider?: string }) {
  const t = useTranslations("admin");
  const p = connection?.provider ?? provider;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <label className="text-sm font-medium">
        {t("connections.extraCheck")}
        <select name="authType" defaultValue={connection?.authType ?? "none"} className={input}>
          <option value="none">{t("connections.authNone")}</option>
          {p === undefined || p === "voipex" ? <option value="basic">{t("connections.authBasic")}</option> : null}
          {p === undefined || p === "voipex" ? <option value="bearer">{t("connections.authBearer")}</option> : null}
          {p === undefined || p === "conpeek" ? <option value="header">{t("connections.authHeader")}</option> : null}
        </select>
      </label>
      <label className="text-sm font-medium">
        {t("connections.basicLogin")}
        <input name="authUser" defaultValue={connection?.authUser ?? ""} className={input} />
      </label>
      <label className="text-sm font-medium">
        {t("connections.headerName")}
        <input name="authHeader" defaultValue={connection?.authHeader ?? ""} placeholder="appHash" className={input} />
      </label>
      <label className="text-sm font-medium">
        {connection ? t("connections.secretKeep") : t("connections.secret")}
        <input name="authSecret" type="password" autoComplete="new-password" className={input} />
      </label>
      {p === undefined || p === "voipex" ? (
        <label className="text-sm font-medium sm:col-span-2">
          {t("connections.keyMap")}
          <input name="keyMap" defaultValue={connection?.keyMap ? JSON.stringify(connection.keyMap) : ""} placeholder='{"EventName": "event", "Login": "user"}' className={`${input} font-mono`} />
        </label>
      ) : null}
    </div>
  );
}

export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireRole("/admin/connections", ADMINS);
  const params = await searchParams;
  const t = await getTranslations("admin");
  const tc = await getTranslations("call");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const now = Date.now();
  const urls = runtime.registry.webhookUrls(runtime.publicUrl);
  const health = await connectionHealth(runtime.db, urls.map(({ connection }) => connection.id), now, runtime.silentAfterMs);
  const silentMinutes = Math.round(runtime.silentAfterMs / 60_000);

  return (
    <main>
      <h1 className="mb-1 text-2xl font-bold">{t("connections.title")}</h1>
      <p className="mb-4 text-sm text-slate-600">
        {t("connections.intro")}
      </p>
      <Flash done={params.done} error={params.error} />
      <div className="mb-8 flex flex-col gap-4">
        {urls.map(({ connection, urls: links }) => (
          <section key={connection.id} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="connection" aria-label={connection.name}>
            <div className="mb-2 flex flex-wrap items-baseline gap-2">
              <h2 className="text-lg font-semibold">{connection.name}</h2>
              <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{tc(`provider.${connection.provider}`)}</span>
              <span className="text-xs text-slate-500">{connection.authType === "none" ? t("connections.authNone") : t("connections.authExtra", { type: connection.authType })}</span>
              <Link href={`/admin/connections?edit=${connection.id}`} className="ml-auto text-sm text-sky-700 underline">
                {t("connections.edit")}
              </Link>
            </div>
            <ul className="mb-3 flex flex-col gap-1">
              {links.map((url) => (
                <li key={url} className="flex items-center gap-2">
                  <code className="block min-w-0 flex-1 overflow-x-auto rounded bg-slate-100 px-2 py-1 text-xs" data-testid="webhook-url">
                    {url}
                  </code>
                  <CopyButton text={url} label={t("connections.copyLabel", { name: connection.name })} />
                </li>
              ))}
            </ul>
            <Health health={health.get(connection.id)} now={now} silentMinutes={silentMinutes} />
            {params.edit === connection.id ? (
              <form action={updateConnection} className="mt-4 border-t border-slate-200 pt-3" aria-label={t("connections.editLabel", { name: connection.name })}>
                <input type="hidden" name="id" value={connection.id} />
                <label className="mb-3 block text-sm font-medium">
                  {t("connections.name")}
                  <input name="name" required defaultValue={connection.name} className={input} />
                </label>
                <AuthFields connection={connection} />
                <button type="submit" className={`${button} mt-3`}>{t("connections.save")}</button>
              </form>
            ) : null}
            <form action={rotateConnectionKey} className="mt-3">
              <input type="hidden" name="id" value={connection.id} />
              <button type="submit" className="rounded-md px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
                {t("connections.rotate")}
              </button>
            </form>
          </section>
        ))}
      </div>
      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-label={t("connections.addLabel")}>
        <h2 className="mb-3 text-lg font-semibold">{t("connections.addTitle")}</h2>
        <form action={createConnection}>
          <div className="mb-3 grid gap-3 sm:grid-cols-2">
            <label className="text-sm font-medium">
              {t("connections.provider")}
              <select name="provider" className={input}>
                {PROVIDERS.map((provider) => (
                  <option key={provider} value={provider}>
                    {tc(`provider.${provider}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-sm font-medium">
              {t("connections.name")}
              <input name="name" required placeholder={t("connections.namePlaceholder")} className={input} />
            </label>
          </div>
          <AuthFields />
          <button type="submit" className={`${button} mt-3`}>{t("connections.add")}</button>
        </form>
      </section>
    </main>
  );
}
