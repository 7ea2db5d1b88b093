import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { clock, metricValue } from "@/app/lib/alert-values";
import { ADMINS, requireRole } from "@/app/lib/session";
import type { GroupRow } from "@/server/alerts/service";
import { OFF } from "@/server/alerts/settings";
import type { Alert } from "@/server/alerts/types";
import { DEFAULT_KEY, METRICS, WORSE_WHEN, type Limits } from "@/server/domain/thresholds";
import { getRuntime } from "@/server/runtime";
import { Flash } from "../flash";
import { rotateAlertSecret, saveThresholds, sendTestAlert } from "./actions";

export const dynamic = "force-dynamic";

const input = "block w-24 rounded-md border border-slate-300 px-2 py-1 text-sm tabular-nums";
const button = "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700";
const quiet = "rounded-md px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-100";

/** What a level inherits, as the empty field's placeholder. */
function placeholder(limits: Limits, level: keyof Limits): string {
  const value = limits[level];
  return value === null ? OFF : String(value);
}

async function GroupForm({ group, reveal, connection }: { group: GroupRow; reveal: boolean; connection: string }) {
  const t = await getTranslations("thresholds");
  const format = await getFormatter();
  const name = group.kind === "default" ? t("defaults") : group.name;
  const hook = group.webhook;
  return (
    <section id={`group-${group.id}`} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="threshold-group" aria-label={name}>
      <div className="mb-2 flex flex-wrap items-baseline gap-2">
        <h2 className="text-lg font-semibold">{name}</h2>
        {group.kind === "default" ? null : <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{t(`kind.${group.kind}`)}</span>}
        {connection ? <span className="text-xs text-slate-500">{connection}</span> : null}
      </div>
      <form action={saveThresholds} aria-label={t("saveGroup", { name })}>
        <input type="hidden" name="groupId" value={group.id} />
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="text-sm">
            <thead>
              <tr className="text-left text-xs text-slate-500">
                <th className="py-1 pr-3 font-medium">{t("figure")}</th>
                <th className="py-1 pr-3 font-medium">{t("amberAt")}</th>
                <th className="py-1 pr-3 font-medium">{t("redAt")}</th>
              </tr>
            </thead>
            <tbody>
              {METRICS.map((metric) => (
                <tr key={metric}>
                  <td className="py-1 pr-3">
                    {t(`metric.${metric}`)}{" "}
                    <span className="text-xs text-slate-500">{t("hint", { unit: t(`unit.${metric}`), worse: t(`worse.${WORSE_WHEN[metric]}`) })}</span>
                  </td>
                  {(["amber", "red"] as const).map((level) => (
                    <td key={level} className="py-1 pr-3">
                      <input
                        name={`${metric}.${level}`}
                        defaultValue={group.levels[metric][level]}
                        placeholder={placeholder(group.inherited[metric], level)}
                        aria-label={t("input", { metric: t(`metric.${metric}`), level: t(`level.${level}`) })}
                        className={input}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <label className="mt-3 block text-sm font-medium">
          {t("webhook")}
          <input name="webhookUrl" type="url" defaultValue={hook?.url ?? ""} placeholder="https://hooks.slack.com/services/…" className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        {group.kind === "default" ? <p className="mt-1 text-xs text-slate-500">{t("webhookDefault")}</p> : null}
        <button type="submit" className={`${button} mt-3`}>{t("save")}</button>
      </form>
      {hook ? (
        <div className="mt-3 flex flex-col gap-2 border-t border-slate-200 pt-3 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-slate-500">{t("secret")}</span>
            {/* Masked unless asked for (admins only: this page). */}
            <code className="rounded bg-slate-100 px-2 py-0.5 text-xs" data-testid="webhook-secret">
              {reveal ? hook.secret : `${hook.secret.slice(0, 10)}…`}
            </code>
            <Link href={reveal ? "/admin/thresholds" : `/admin/thresholds?reveal=${encodeURIComponent(group.id)}#group-${group.id}`} className="text-sky-700 underline">
              {reveal ? t("hide") : t("show")}
            </Link>
            <form action={rotateAlertSecret}>
              <input type="hidden" name="groupId" value={group.id} />
              <button type="submit" className={quiet}>{t("rotate")}</button>
            </form>
            <form action={sendTestAlert}>
              <input type="hidden" name="groupId" value={group.id} />
              <button type="submit" className={quiet}>{t("test")}</button>
            </form>
          </div>
          <p data-testid="last-delivery">
            <span className="text-slate-500">{t("lastDelivery")}: </span>
            {hook.lastStatus ? (
              <>
                <span className={hook.lastStatus === "delivered" ? "font-medium text-emerald-800" : "font-medium text-red-800"}>{t(`status.${hook.lastStatus}`)}</span>{" "}
                {hook.lastAt === null ? "" : format.dateTime(new Date(hook.lastAt), "time")} · <span className="font-mono text-xs">{hook.lastDetail}</span>
              </>
            ) : (
              t("never")
            )}
          </p>
        </div>
      ) : null}
    </section>
  );
}

async function RecentAlerts({ alerts, names, now }: { alerts: Alert[]; names: Map<string, string>; now: number }) {
  const t = await getTranslations("thresholds");
  const format = await getFormatter();
  if (alerts.length === 0) return <p className="text-sm text-slate-600">{t("recentEmpty")}</p>;
  const time = (ms: number) => format.dateTime(new Date(ms), "time");
  return (
    <div className="overflow-x-auto" tabIndex={0}>
      <table className="w-full text-sm" data-testid="recent-alerts">
        <thead>
          <tr className="text-left text-xs text-slate-500">
            {(["group", "figure", "peak", "started", "ended", "duration"] as const).map((c) => (
              <th key={c} className="py-1 pr-3 font-medium">{t(`column.${c}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.id} className="border-t border-slate-100" data-testid="alert-row">
              <td className="py-1 pr-3">{names.get(alert.groupId) ?? alert.groupId}</td>
              <td className="py-1 pr-3">{t(`metric.${alert.metric}`)}</td>
              <td className="py-1 pr-3">
                <span className={alert.level === "red" ? "font-semibold text-red-800" : "font-semibold text-amber-800"}>{t(`level.${alert.level}`)}</span> {metricValue(alert.metric, alert.peakValue, format)}
              </td>
              <td className="py-1 pr-3">{time(alert.startedAt)}</td>
              <td className="py-1 pr-3">{alert.endedAt === null ? <span className="font-medium">{t("open")}</span> : time(alert.endedAt)}</td>
              <td className="py-1 pr-3 tabular-nums">{clock((alert.endedAt ?? now) - alert.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Admins set each queue's and project's amber/red levels and webhook; recent alerts below. */
export default async function ThresholdsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireRole("/admin/thresholds", ADMINS);
  const params = await searchParams;
  const t = await getTranslations("thresholds");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const groups = await runtime.alerts.groups();
  const recent = await runtime.alerts.store.recentAlerts(50);
  const connections = new Map(runtime.registry.all().map((c) => [c.id, c.name]));
  const names = new Map(groups.filter((g) => g.id !== DEFAULT_KEY).map((g) => [g.id, g.name]));
  return (
    <main>
      <h1 className="mb-1 text-2xl font-bold">{t("title")}</h1>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t("intro")}</p>
      <Flash done={params.done} error={params.error} />
      <div className="mb-8 flex flex-col gap-4">
        {groups.map((group) => (
          <GroupForm key={group.id} group={group} reveal={params.reveal === group.id} connection={group.connectionId ? (connections.get(group.connectionId) ?? "") : ""} />
        ))}
      </div>
      <section aria-label={t("recent")} className="rounded-lg border border-slate-200 bg-white p-4">
        <div className="mb-2 flex items-baseline gap-3">
          <h2 className="text-lg font-semibold">{t("recent")}</h2>
          <Link href="/history/alerts" className="text-sm text-sky-700 underline">{t("allAlerts")}</Link>
        </div>
        <RecentAlerts alerts={recent} names={names} now={Date.now()} />
      </section>
    </main>
  );
}
