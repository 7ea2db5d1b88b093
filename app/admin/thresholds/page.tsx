import Link from "next/link";
import { ADMINS, requireRole } from "@/app/lib/session";
import { formatDuration, formatValue, METRIC_LABEL } from "@/server/alerts/payload";
import type { GroupRow } from "@/server/alerts/service";
import { LEVEL_RANGE, OFF } from "@/server/alerts/settings";
import type { Alert } from "@/server/alerts/types";
import { METRICS, WORSE_WHEN, type Limits } from "@/server/domain/thresholds";
import { getRuntime } from "@/server/runtime";
import { Flash } from "../flash";
import { rotateAlertSecret, saveThresholds, sendTestAlert } from "./actions";

export const dynamic = "force-dynamic";

/** Every string of this page, in one place (to move into the i18n catalogue, namespace `thresholds`, once it exists). */
const T = {
  title: "Thresholds and alerts",
  intro:
    "A figure at or beyond its amber or red level is coloured on the board and opens an alert, kept with its start, peak and end. Leave a level empty to inherit it (shown greyed), type “off” to switch it off.",
  defaults: "All queues and projects (defaults)",
  queue: "Queue",
  project: "Project",
  metric: "Figure",
  amber: "Amber at",
  red: "Red at",
  worse: { above: "alerts at or above", below: "alerts at or below" },
  webhook: "Webhook URL (Slack-compatible; empty: none)",
  webhookDefault: "Alerts of queues and projects without their own webhook go here.",
  save: "Save",
  secret: "Signing secret",
  show: "Show",
  hide: "Hide",
  rotate: "New secret",
  test: "Send a test alert",
  lastDelivery: "Last delivery",
  never: "none yet",
  recent: "Recent alerts",
  recentEmpty: "No alerts yet.",
  history: "All alerts in history",
  columns: ["Queue / project", "Figure", "Peak", "Started", "Ended", "Duration"],
  open: "open",
  status: { delivered: "delivered", retrying: "retrying", failed: "failed", refused: "refused" },
  starting: "Callboard is starting.",
} as const;

const input = "block w-24 rounded-md border border-slate-300 px-2 py-1 text-sm tabular-nums";
const button = "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700";
const quiet = "rounded-md px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-100";
const time = (ms: number | null) => (ms === null ? "" : new Date(ms).toLocaleString([], { dateStyle: "short", timeStyle: "medium" }));
const unit = (metric: (typeof METRICS)[number]) => LEVEL_RANGE[metric].unit;

function placeholder(limits: Limits, level: keyof Limits): string {
  const value = limits[level];
  return value === null ? OFF : String(value);
}

function GroupForm({ group, reveal, names }: { group: GroupRow; reveal: boolean; names: Map<string, string> }) {
  const name = group.kind === "default" ? T.defaults : group.name;
  const kind = group.kind === "default" ? "" : group.kind === "queue" ? T.queue : T.project;
  const hook = group.webhook;
  return (
    <section id={`group-${group.id}`} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="threshold-group" aria-label={name}>
      <div className="mb-2 flex flex-wrap items-baseline gap-2">
        <h2 className="text-lg font-semibold">{name}</h2>
        {kind ? <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{kind}</span> : null}
        {group.connectionId ? <span className="text-xs text-slate-500">{names.get(group.connectionId) ?? ""}</span> : null}
      </div>
      <form action={saveThresholds} aria-label={`${T.save} ${name}`}>
        <input type="hidden" name="groupId" value={group.id} />
        <div className="overflow-x-auto">
          <table className="text-sm">
            <thead>
              <tr className="text-left text-xs text-slate-500">
                <th className="py-1 pr-3 font-medium">{T.metric}</th>
                <th className="py-1 pr-3 font-medium">{T.amber}</th>
                <th className="py-1 pr-3 font-medium">{T.red}</th>
              </tr>
            </thead>
            <tbody>
              {METRICS.map((metric) => (
                <tr key={metric}>
                  <td className="py-1 pr-3">
                    {METRIC_LABEL[metric]} <span className="text-xs text-slate-500">({unit(metric)}, {T.worse[WORSE_WHEN[metric]]})</span>
                  </td>
                  {(["amber", "red"] as const).map((level) => (
                    <td key={level} className="py-1 pr-3">
                      <input
                        name={`${metric}.${level}`}
                        defaultValue={group.levels[metric][level]}
                        placeholder={placeholder(group.inherited[metric], level)}
                        aria-label={`${METRIC_LABEL[metric]} ${level}`}
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
          {T.webhook}
          <input name="webhookUrl" type="url" defaultValue={hook?.url ?? ""} placeholder="https://hooks.slack.com/services/…" className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        {group.kind === "default" ? <p className="mt-1 text-xs text-slate-500">{T.webhookDefault}</p> : null}
        <button type="submit" className={`${button} mt-3`}>{T.save}</button>
      </form>
      {hook ? (
        <div className="mt-3 flex flex-col gap-2 border-t border-slate-200 pt-3 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-slate-500">{T.secret}</span>
            <code className="rounded bg-slate-100 px-2 py-0.5 text-xs" data-testid="webhook-secret">
              {reveal ? hook.secret : `${hook.secret.slice(0, 10)}…`}
            </code>
            <Link href={reveal ? "/admin/thresholds" : `/admin/thresholds?reveal=${encodeURIComponent(group.id)}#group-${group.id}`} className="text-sky-700 underline">
              {reveal ? T.hide : T.show}
            </Link>
            <form action={rotateAlertSecret}>
              <input type="hidden" name="groupId" value={group.id} />
              <button type="submit" className={quiet}>{T.rotate}</button>
            </form>
            <form action={sendTestAlert}>
              <input type="hidden" name="groupId" value={group.id} />
              <button type="submit" className={quiet}>{T.test}</button>
            </form>
          </div>
          <p data-testid="last-delivery">
            <span className="text-slate-500">{T.lastDelivery}: </span>
            {hook.lastStatus ? (
              <>
                <span className={hook.lastStatus === "delivered" ? "font-medium text-emerald-800" : "font-medium text-red-800"}>{T.status[hook.lastStatus]}</span> {time(hook.lastAt)} · {hook.lastDetail}
              </>
            ) : (
              T.never
            )}
          </p>
        </div>
      ) : null}
    </section>
  );
}

function RecentAlerts({ alerts, groupName, now }: { alerts: Alert[]; groupName: (alert: Alert) => string; now: number }) {
  if (alerts.length === 0) return <p className="text-sm text-slate-600">{T.recentEmpty}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="recent-alerts">
        <thead>
          <tr className="text-left text-xs text-slate-500">
            {T.columns.map((c) => (
              <th key={c} className="py-1 pr-3 font-medium">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.id} className="border-t border-slate-100" data-testid="alert-row">
              <td className="py-1 pr-3">{groupName(alert)}</td>
              <td className="py-1 pr-3">{METRIC_LABEL[alert.metric]}</td>
              <td className="py-1 pr-3">
                <span className={alert.level === "red" ? "font-semibold text-red-800" : "font-semibold text-amber-800"}>{alert.level}</span> {formatValue(alert.metric, alert.peakValue)}
              </td>
              <td className="py-1 pr-3">{time(alert.startedAt)}</td>
              <td className="py-1 pr-3">{alert.endedAt === null ? <span className="font-medium">{T.open}</span> : time(alert.endedAt)}</td>
              <td className="py-1 pr-3 tabular-nums">{formatDuration((alert.endedAt ?? now) - alert.startedAt)}</td>
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
  const runtime = getRuntime();
  if (!runtime) return <p>{T.starting}</p>;
  const groups = await runtime.alerts.groups();
  const recent = await runtime.alerts.store.recentAlerts(50);
  const connections = new Map(runtime.registry.all().map((c) => [c.id, c.name]));
  const now = Date.now();
  return (
    <main>
      <h1 className="mb-1 text-2xl font-bold">{T.title}</h1>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{T.intro}</p>
      <Flash done={params.done} error={params.error} />
      <div className="mb-8 flex flex-col gap-4">
        {groups.map((group) => (
          <GroupForm key={group.id} group={group} reveal={params.reveal === group.id} names={connections} />
        ))}
      </div>
      <section aria-label={T.recent} className="rounded-lg border border-slate-200 bg-white p-4">
        <div className="mb-2 flex items-baseline gap-3">
          <h2 className="text-lg font-semibold">{T.recent}</h2>
          <Link href="/history/alerts" className="text-sm text-sky-700 underline">{T.history}</Link>
        </div>
        <RecentAlerts alerts={recent} groupName={(alert) => runtime.alerts.nameOf(alert.groupId)} now={now} />
      </section>
    </main>
  );
}
