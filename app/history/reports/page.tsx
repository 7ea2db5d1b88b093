import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import { metricValue } from "@/app/lib/alert-values";
import { ScrollRegion } from "@/app/lib/scroll-region";
import { requireRole, SUPERVISORS } from "@/app/lib/session";
import { SignOut } from "@/app/lib/sign-out";
import type { ReportFigures } from "@/server/domain/report";
import { SHORT_ABANDON_SECONDS } from "@/server/domain/rollup";
import { dayKey } from "@/server/domain/time-zone";
import { reportRange, INTERVALS } from "@/server/history/queue-report";
import { getRuntime } from "@/server/runtime";
import { duration } from "../agents/duration";
import { filterListsOf, namesOf } from "../names";

export const dynamic = "force-dynamic";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
const secs = (s: number | null) => (s === null ? "–" : duration(s));

/**
 * Queue reports: offered, answered, abandoned (short abandons apart), missed, service level, average speed of answer,
 * average and longest wait and handle time over a range of the viewer's days, per 15 minutes, hour or day and per queue, project
 * and agent, with the period's alerts beside them. Supervisors (their own queues and projects) and admins; agents 403.
 */
export default async function ReportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const timeZone = await getTimeZone();
  const { request, adjusted } = reportRange(raw, dayKey(Date.now(), timeZone));
  const params = new URLSearchParams(Object.entries(request).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
  const user = await requireRole(`/history/reports?${params}`, SUPERVISORS);
  const t = await getTranslations("reports");
  const tt = await getTranslations("thresholds");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const format = await getFormatter();
  const report = (await runtime.history.queueReport(user, request, timeZone))!;
  const names = namesOf(runtime, user);
  const lists = filterListsOf(runtime, user);
  const alerts = await runtime.alerts.listAlerts(user, { from: report.range.from, to: report.range.to, groupId: request.queue ?? request.project, limit: 50 });
  const total = report.total;
  const percent = (value: number | null) => (value === null ? "–" : format.number(value / 100, "percent"));
  const sl = report.serviceLevelSeconds;
  const tiles: [string, string, string, string?][] = [
    ["offered", t("offered"), format.number(total.offered)],
    ["answered", t("answered"), format.number(total.answered)],
    ["abandoned", t("abandoned"), format.number(total.abandoned), t("shortAbandoned", { seconds: SHORT_ABANDON_SECONDS }) + ": " + format.number(total.shortAbandoned)],
    ["missed", t("missed"), format.number(total.missed)],
    ["serviceLevel", t("serviceLevel", { seconds: sl }), percent(total.serviceLevel)],
    ["asa", t("asa"), secs(total.averageAnswerSeconds)],
    ["wait", t("avgWait"), secs(total.averageWaitSeconds)],
    ["longestWait", t("longestWait"), secs(total.longestWaitSeconds)],
    ["aht", t("aht"), secs(total.averageHandleSeconds)],
  ];
  // Outbound calls are no queue's offered calls: a tile of their own when there are any.
  if (total.outbound > 0) tiles.push(["outbound", t("outbound"), `${format.number(total.outbound)} (${format.number(total.outboundAnswered)})`]);
  const heads = [t("offered"), t("answered"), t("abandoned"), t("short"), t("missed"), t("sl"), t("asaShort"), t("avgWait"), t("longestWait"), t("aht")];
  const cells = (f: ReportFigures) => [
    format.number(f.offered),
    format.number(f.answered),
    format.number(f.abandoned),
    format.number(f.shortAbandoned),
    format.number(f.missed),
    percent(f.serviceLevel),
    secs(f.averageAnswerSeconds),
    secs(f.averageWaitSeconds),
    secs(f.longestWaitSeconds),
    secs(f.averageHandleSeconds),
  ];
  const start = (at: number) =>
    request.interval === "day"
      ? format.dateTime(new Date(at), { dateStyle: "medium", timeZone })
      : format.dateTime(new Date(at), { dateStyle: request.from === request.to ? undefined : "short", timeStyle: "short", timeZone });
  const groupName = (id: string) => names.queue(id) || names.project(id) || id;
  const alertsLink = new URLSearchParams({ from: request.from, to: request.to, ...(request.queue || request.project ? { group: (request.queue ?? request.project)! } : {}) });

  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <Link href="/history" className="text-sky-700 underline">{t("history")}</Link>
        <Link href={`/history/figures?from=${request.from}&to=${request.to}`} className="text-sky-700 underline">{t("figures")}</Link>
        <Link href={`/history/agents?from=${request.from}&to=${request.to}`} className="text-sky-700 underline">{t("agents")}</Link>
        <Link href={`/history/alerts?${alertsLink}`} className="text-sky-700 underline">{t("alerts")}</Link>
        <h1 className="text-xl">{t("title")}</h1>
        <span className="text-xs text-slate-500" data-testid="times-in">{t("timesIn", { zone: timeZone })}</span>
        <SignOut user={user} />
      </header>
      <form method="get" className="mb-3 grid grid-cols-2 gap-2 rounded-md border border-slate-200 bg-white p-3 sm:grid-cols-6" aria-label={t("filters")}>
        <label className="text-xs font-medium">{t("from")}<input type="date" name="from" defaultValue={request.from} className={control} /></label>
        <label className="text-xs font-medium">{t("to")}<input type="date" name="to" defaultValue={request.to} className={control} /></label>
        <label className="text-xs font-medium">
          {t("interval")}
          <select name="interval" defaultValue={request.interval} className={control}>
            {INTERVALS.map((i) => <option key={i} value={i}>{t(`intervals.${i}`)}</option>)}
          </select>
        </label>
        <label className="text-xs font-medium">
          {t("queue")}
          <select name="queue" defaultValue={request.queue ?? ""} className={control}>
            <option value="">{t("all")}</option>
            {lists.queues.map((q) => <option key={q.id} value={q.id}>{q.label}</option>)}
          </select>
        </label>
        <label className="text-xs font-medium">
          {t("project")}
          <select name="project" defaultValue={request.project ?? ""} className={control}>
            <option value="">{t("all")}</option>
            {lists.projects.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
          </select>
        </label>
        <div className="flex items-end"><button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white">{t("show")}</button></div>
      </form>
      {adjusted && (
        <p className="mb-3 text-sm text-amber-800" data-testid="report-adjusted">
          {adjusted === "interval" ? t("adjusted.interval", { per: t(`perInterval.${request.interval}`) }) : t("adjusted.range", { to: request.to })}
        </p>
      )}
      <section className={`mb-4 grid grid-cols-2 gap-2 sm:grid-cols-4 ${tiles.length > 9 ? "lg:grid-cols-5 xl:grid-cols-10" : "lg:grid-cols-9"}`} aria-label={t("totals")} data-testid="report-tiles">
        {tiles.map(([id, label, value, note]) => (
          <div key={id} className="rounded-md border border-slate-200 bg-white px-3 py-2" data-tile={id}>
            <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
            <div className="text-2xl font-bold tabular-nums" data-value>{value}</div>
            {note && <div className="text-xs text-slate-500">{note}</div>}
          </div>
        ))}
      </section>
      <ReportTable
        title={t(`perInterval.${request.interval}`)}
        testId="report-intervals"
        first={t("start")}
        heads={heads}
        empty={t("none")}
        rows={report.intervals.map((row) => ({ key: String(row.key), label: start(row.key), cells: cells(row.figures) }))}
      />
      {/* Per queue and per project at full width: ten figures do not fit half a wide screen. */}
      <div className="mt-4 grid min-w-0 gap-4">
        <ReportTable
          title={t("perQueue")}
          testId="report-queues"
          first={t("name")}
          heads={heads}
          empty={t("none")}
          rows={report.byQueue.map((row) => ({ key: row.key ?? "", label: (row.key && names.queue(row.key)) || t("noQueue"), cells: cells(row.figures) }))}
        />
        <ReportTable
          title={t("perProject")}
          testId="report-projects"
          first={t("name")}
          heads={heads}
          empty={t("none")}
          rows={report.byProject.map((row) => ({ key: row.key ?? "", label: (row.key && names.project(row.key)) || t("noProject"), cells: cells(row.figures) }))}
        />
      </div>
      <div className="mt-4 grid min-w-0 gap-4 xl:grid-cols-2">
        {/* An agent the viewer may not see (a colleague on their queue's calls) is counted without a name or an id. */}
        <ReportTable
          title={t("perAgent")}
          testId="report-agents"
          first={t("name")}
          heads={[t("parts"), t("answered"), t("missed"), t("talk"), t("aht")]}
          empty={t("none")}
          rows={report.byAgent.map((row, i) => {
            const name = names.agent(row.key);
            return {
              key: name ? row.key : `another-${i}`,
              label: name || t("anotherAgent"),
              href: name ? `/history/agents/${encodeURIComponent(row.key)}?day=${request.to}` : undefined,
              cells: [format.number(row.figures.parts), format.number(row.figures.answered), format.number(row.figures.missed), duration(row.figures.talkSeconds), secs(row.figures.averageHandleSeconds)],
            };
          })}
        />
        <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-3" aria-label={t("alertsTitle")} data-testid="report-alerts">
          <h2 className="mb-2 font-semibold">{t("alertsTitle")}</h2>
          {alerts.length === 0 ? (
            <p className="text-sm text-slate-500">{t("noAlerts")}</p>
          ) : (
            <ScrollRegion label={t("alertsTitle")}>
              <table className="w-full whitespace-nowrap text-sm [&_td+td]:pl-3 [&_th+th]:pl-3">
                <thead>
                  <tr className="border-b border-slate-300 text-left text-slate-500">
                    {(["started", "group", "figure", "peak", "ended"] as const).map((c) => <th key={c} className="py-1">{t(`alertColumns.${c}`)}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {alerts.map((alert) => (
                    <tr key={alert.id} className="border-b border-slate-200" data-alert-id={alert.id}>
                      <td className="py-1">{format.dateTime(new Date(alert.startedAt), { dateStyle: "short", timeStyle: "short", timeZone })}</td>
                      <td>{groupName(alert.groupId)}</td>
                      <td>{tt(`metric.${alert.metric}`)}</td>
                      <td className={alert.level === "red" ? "font-semibold text-red-800" : "font-semibold text-amber-800"}>{metricValue(alert.metric, alert.peakValue, format)}</td>
                      <td>{alert.endedAt === null ? t("open") : format.dateTime(new Date(alert.endedAt), { timeStyle: "short", timeZone })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
          {alerts.length === 50 && <Link href={`/history/alerts?${alertsLink}`} className="mt-2 inline-block text-sm text-sky-700 underline">{t("moreAlerts")}</Link>}
        </section>
      </div>
      <p className="mt-3 text-xs text-slate-500">{t("definitions")}</p>
    </main>
  );
}

function ReportTable({ title, testId, first, heads, rows, empty }: { title: string; testId: string; first: string; heads: string[]; rows: { key: string; label: string; href?: string; cells: string[] }[]; empty: string }) {
  return (
    <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-3" aria-label={title}>
      <h2 className="mb-2 font-semibold">{title}</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">{empty}</p>
      ) : (
        <ScrollRegion label={title}>
          <table className="w-full whitespace-nowrap text-sm [&_td+td]:pl-3 [&_th+th]:pl-3" data-testid={testId}>
            <thead>
              <tr className="border-b border-slate-300 text-slate-500">
                <th className="py-1 text-left">{first}</th>
                {heads.map((head) => <th key={head} className="text-right">{head}</th>)}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} className="border-b border-slate-200">
                  <td className="py-1">{row.href ? <Link href={row.href} className="text-sky-700 underline">{row.label}</Link> : row.label}</td>
                  {row.cells.map((cell, i) => <td key={i} className="text-right tabular-nums">{cell}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
