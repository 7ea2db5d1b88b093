import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import { clock, metricValue } from "@/app/lib/alert-values";
import { requireRole, SUPERVISORS } from "@/app/lib/session";
import { SignOut } from "@/app/lib/sign-out";
import { alertQueryOf, encodeAlertCursor, parseAlertFilters, type AlertFilters } from "@/server/alerts/history-filters";
import type { Alert } from "@/server/alerts/types";
import { groupScope } from "@/server/auth/scope";
import { byName, namedLabel } from "@/server/domain/names";
import { METRICS } from "@/server/domain/thresholds";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

/** The board showing the alert's group (the project lens has no per-project filter: it shows every project). */
function boardLink(alert: Alert): string {
  return alert.groupKind === "queue" ? `/?lens=queue&queue=${encodeURIComponent(alert.groupId)}` : "/?lens=project";
}

/** The same board as it was when the alert opened (the time machine). */
function boardThenLink(alert: Alert): string {
  return `${boardLink(alert)}&at=${encodeURIComponent(new Date(alert.startedAt).toISOString())}`;
}

/** The call history of the alert's group, limited to calls in progress while the alert was open. */
function callsLink(alert: Alert, now: number): string {
  const params = new URLSearchParams({
    [alert.groupKind]: alert.groupId,
    since: new Date(alert.startedAt).toISOString(),
    until: new Date(alert.endedAt ?? now).toISOString(),
  });
  return `/history?${params}`;
}

/** Stored alerts, newest first, with filters in the URL and a keyset cursor for older ones. */
export default async function AlertHistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
  // Supervisors see the alerts of their queues/projects (scope.ts groupScope), admins all; agents are refused (403).
  const user = await requireRole(`/history/alerts?${params}`, SUPERVISORS);
  const t = await getTranslations("thresholds");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const format = await getFormatter();
  const timeZone = await getTimeZone();
  let filters: AlertFilters;
  let problems: string[] = [];
  try {
    filters = parseAlertFilters(params);
  } catch (error) {
    const fields = ((error as { issues?: { path: PropertyKey[] }[] }).issues ?? []).map((i) => String(i.path[0] ?? ""));
    problems = [...new Set(fields)];
    filters = parseAlertFilters(new URLSearchParams());
  }
  const alerts = await runtime.alerts.listAlerts(user, alertQueryOf(filters, timeZone));
  // The groups this user may pick: all queues and projects, or a limited supervisor's own.
  const scope = groupScope(user);
  const names = new Map([...runtime.live.queues.values(), ...runtime.live.projects.values()].map((g) => [g.id, namedLabel(g)]));
  const groups = [
    ...[...runtime.live.queues.values()].map((q) => ({ id: q.id, label: `${namedLabel(q)} (${t("kind.queue")})` })),
    ...[...runtime.live.projects.values()].map((p) => ({ id: p.id, label: `${namedLabel(p)} (${t("kind.project")})` })),
  ]
    .filter((g) => scope.all || scope.ids.has(g.id))
    .sort((a, b) => byName(a.label, b.label));
  const now = Date.now();
  const time = (ms: number) => format.dateTime(new Date(ms), "time");
  const last = alerts.length === filters.limit ? alerts.at(-1) : undefined;
  const next = new URLSearchParams(params);
  if (last) next.set("cursor", encodeAlertCursor(last));

  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-4">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <h1 className="text-xl">{t("history.title")}</h1>
        <Link href="/history" className="text-sky-700 underline">{t("history.calls")}</Link>
        <Link href="/history/figures" className="text-sky-700 underline">{t("history.figures")}</Link>
        <Link href={`/history/reports${filters.from && filters.to ? `?from=${filters.from}&to=${filters.to}&interval=day` : ""}`} className="text-sky-700 underline" data-testid="reports-link">{t("history.reports")}</Link>
        <span className="text-xs text-slate-500">{t("history.timesIn", { zone: timeZone })}</span>
        <SignOut user={user} />
      </header>
      <form method="get" className="mb-4 grid grid-cols-2 gap-2 rounded-md border border-slate-200 bg-white p-3 sm:grid-cols-5" aria-label={t("history.filters")}>
        <label className="text-xs font-medium">
          {t("history.group")}
          <select name="group" defaultValue={filters.group ?? ""} className={control}>
            <option value="">{t("history.all")}</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>{g.label}</option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium">
          {t("figure")}
          <select name="metric" defaultValue={filters.metric ?? ""} className={control}>
            <option value="">{t("history.all")}</option>
            {METRICS.map((m) => (
              <option key={m} value={m}>{t(`metric.${m}`)}</option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium">{t("history.from")}<input type="date" name="from" defaultValue={filters.from} className={control} /></label>
        <label className="text-xs font-medium">{t("history.to")}<input type="date" name="to" defaultValue={filters.to} className={control} /></label>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white">{t("history.apply")}</button>
          <Link href="/history/alerts" className="px-2 py-1.5 text-sm text-slate-600 underline">{t("history.clear")}</Link>
        </div>
      </form>
      {problems.length > 0 ? (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">{t("history.invalidFilters", { fields: problems.join(", ") })}</p>
      ) : null}
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-300 text-left text-slate-500">
              {(["started", "group", "figure", "peak", "ended", "duration"] as const).map((c) => (
                <th key={c} className="py-2 pr-3">{t(`column.${c}`)}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => (
              <tr key={alert.id} className="border-b border-slate-200" data-testid="alert-row" data-alert-id={alert.id}>
                <td className="py-1.5 pr-3">{time(alert.startedAt)}</td>
                <td className="pr-3">
                  {names.get(alert.groupId) ?? alert.groupId} <span className="text-xs text-slate-500">{t(`kind.${alert.groupKind}`)}</span>
                </td>
                <td className="pr-3">{t(`metric.${alert.metric}`)}</td>
                <td className="pr-3">
                  <span className={alert.level === "red" ? "font-semibold text-red-800" : "font-semibold text-amber-800"}>{t(`level.${alert.level}`)}</span> {metricValue(alert.metric, alert.peakValue, format)}{" "}
                  <span className="text-xs text-slate-500">{time(alert.peakAt)}</span>
                </td>
                <td className="pr-3">{alert.endedAt === null ? <span className="font-medium">{t("open")}</span> : time(alert.endedAt)}</td>
                <td className="pr-3 tabular-nums">{clock((alert.endedAt ?? now) - alert.startedAt)}</td>
                <td className="flex gap-3 py-1.5">
                  <Link href={boardLink(alert)} className="text-sky-700 underline" data-testid="alert-board-link">{t("history.board")}</Link>
                  <Link href={boardThenLink(alert)} className="text-sky-700 underline" data-testid="alert-board-then-link">{t("history.boardThen")}</Link>
                  <Link href={callsLink(alert, now)} className="text-sky-700 underline" data-testid="alert-calls-link">{t("history.callsThen")}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {alerts.length === 0 ? <p className="p-6 text-center text-slate-500">{t("history.none")}</p> : null}
      <nav className="mt-3 flex justify-end">
        {last ? (
          <Link href={`/history/alerts?${next}`} className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-100" data-testid="older">
            {t("history.older")}
          </Link>
        ) : null}
      </nav>
    </main>
  );
}
