import Link from "next/link";
import { requireRole, SUPERVISORS } from "@/app/lib/session";
import { SignOut } from "@/app/lib/sign-out";
import { alertQueryOf, encodeAlertCursor, parseAlertFilters, type AlertFilters } from "@/server/alerts/history-filters";
import { formatDuration, formatValue, METRIC_LABEL } from "@/server/alerts/payload";
import type { Alert } from "@/server/alerts/types";
import { groupScope } from "@/server/auth/scope";
import { METRICS } from "@/server/domain/thresholds";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Every string of this page, in one place (to move into the i18n catalogue once it exists). */
const T = {
  title: "Alerts",
  calls: "Calls",
  figures: "Figures",
  group: "Queue / project",
  metric: "Figure",
  from: "From",
  to: "To",
  all: "All",
  apply: "Apply",
  clear: "Clear",
  queue: "queue",
  project: "project",
  columns: ["Started", "Queue / project", "Figure", "Peak", "Ended", "Duration", ""],
  open: "open",
  board: "Board",
  callsInWindow: "Calls then",
  none: "No alerts match these filters.",
  older: "Older alerts →",
  starting: "Callboard is starting.",
} as const;

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
const time = (ms: number | null) => (ms === null ? "" : new Date(ms).toLocaleString([], { dateStyle: "short", timeStyle: "medium" }));

/** The board showing the alert's group (the project lens has no per-project filter: it shows every project). */
function boardLink(alert: Alert): string {
  return alert.groupKind === "queue" ? `/?lens=queue&queue=${encodeURIComponent(alert.groupId)}` : "/?lens=project";
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

export default async function AlertHistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
  // Supervisors see the alerts of their queues/projects (scope.ts groupScope), admins all; agents are refused (403).
  const user = await requireRole(`/history/alerts?${params}`, SUPERVISORS);
  const runtime = getRuntime();
  if (!runtime) return <p>{T.starting}</p>;
  let filters: AlertFilters;
  let problem: string | null = null;
  try {
    filters = parseAlertFilters(params);
  } catch (error) {
    problem = ((error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? []).map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ");
    filters = parseAlertFilters(new URLSearchParams());
  }
  const alerts = await runtime.alerts.listAlerts(user, alertQueryOf(filters));
  // The groups this user may pick: all queues and projects, or a limited supervisor's own.
  const scope = groupScope(user);
  const groups = [
    ...[...runtime.live.queues.values()].map((q) => ({ id: q.id, label: `${q.name} (${T.queue})` })),
    ...[...runtime.live.projects.values()].map((p) => ({ id: p.id, label: `${p.name} (${T.project})` })),
  ]
    .filter((g) => scope.all || scope.ids.has(g.id))
    .sort((a, b) => a.label.localeCompare(b.label));
  const nameOf = (alert: Alert) => (alert.groupKind === "queue" ? runtime.live.queues.get(alert.groupId)?.name : runtime.live.projects.get(alert.groupId)?.name) ?? alert.groupId;
  const now = Date.now();
  const last = alerts.length === filters.limit ? alerts.at(-1) : undefined;
  const next = new URLSearchParams(params);
  if (last) next.set("cursor", encodeAlertCursor(last));

  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-4">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <h1 className="text-xl">{T.title}</h1>
        <Link href="/history" className="text-sky-700 underline">{T.calls}</Link>
        <Link href="/history/figures" className="text-sky-700 underline">{T.figures}</Link>
        <SignOut user={user} />
      </header>
      <form method="get" className="mb-4 grid grid-cols-2 gap-2 rounded-md border border-slate-200 bg-white p-3 sm:grid-cols-5" aria-label="Filters">
        <label className="text-xs font-medium">
          {T.group}
          <select name="group" defaultValue={filters.group ?? ""} className={control}>
            <option value="">{T.all}</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>{g.label}</option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium">
          {T.metric}
          <select name="metric" defaultValue={filters.metric ?? ""} className={control}>
            <option value="">{T.all}</option>
            {METRICS.map((m) => (
              <option key={m} value={m}>{METRIC_LABEL[m]}</option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium">{T.from}<input type="date" name="from" defaultValue={filters.from} className={control} /></label>
        <label className="text-xs font-medium">{T.to}<input type="date" name="to" defaultValue={filters.to} className={control} /></label>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white">{T.apply}</button>
          <Link href="/history/alerts" className="px-2 py-1.5 text-sm text-slate-600 underline">{T.clear}</Link>
        </div>
      </form>
      {problem ? <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">{problem}</p> : null}
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-300 text-left text-slate-500">
              {T.columns.map((c, i) => (
                <th key={i} className="py-2 pr-3">{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => (
              <tr key={alert.id} className="border-b border-slate-200" data-testid="alert-row" data-alert-id={alert.id}>
                <td className="py-1.5 pr-3">{time(alert.startedAt)}</td>
                <td className="pr-3">{nameOf(alert)} <span className="text-xs text-slate-500">{alert.groupKind === "queue" ? T.queue : T.project}</span></td>
                <td className="pr-3">{METRIC_LABEL[alert.metric]}</td>
                <td className="pr-3">
                  <span className={alert.level === "red" ? "font-semibold text-red-800" : "font-semibold text-amber-800"}>{alert.level}</span> {formatValue(alert.metric, alert.peakValue)}{" "}
                  <span className="text-xs text-slate-500">{time(alert.peakAt)}</span>
                </td>
                <td className="pr-3">{alert.endedAt === null ? <span className="font-medium">{T.open}</span> : time(alert.endedAt)}</td>
                <td className="pr-3 tabular-nums">{formatDuration((alert.endedAt ?? now) - alert.startedAt)}</td>
                <td className="flex gap-3 py-1.5">
                  <Link href={boardLink(alert)} className="text-sky-700 underline" data-testid="alert-board-link">{T.board}</Link>
                  <Link href={callsLink(alert, now)} className="text-sky-700 underline" data-testid="alert-calls-link">{T.callsInWindow}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {alerts.length === 0 ? <p className="p-6 text-center text-slate-500">{T.none}</p> : null}
      <nav className="mt-3 flex justify-end">
        {last ? (
          <Link href={`/history/alerts?${next}`} className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-100" data-testid="older">
            {T.older}
          </Link>
        ) : null}
      </nav>
    </main>
  );
}
