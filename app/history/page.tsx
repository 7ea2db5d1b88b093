import { SignOut } from "@/app/lib/sign-out";
import { ScrollRegion } from "@/app/lib/scroll-region";
import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { rowStatus } from "@/server/domain/figures";
import { OUTCOMES, parseHistoryFilters, type HistoryFilters } from "@/server/history/filters";
import { getRuntime } from "@/server/runtime";
import { filterListsOf, namesOf } from "./names";

export const dynamic = "force-dynamic";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
const seconds = (s: number | null) => (s === null ? "" : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`);

/** The filter fields a URL can carry: a field whose value cannot be read is named in the viewer's language. */
const FIELDS = ["from", "to", "since", "until", "provider", "connection", "direction", "outcome", "agent", "queue", "project", "phone", "tz", "cursor", "limit"] as const;

function Choice({ label, name, value, all, options }: { label: string; name: string; value: string | undefined; all: string; options: { id: string; label: string }[] }) {
  return (
    <label className="text-xs font-medium">
      {label}
      <select name={name} defaultValue={value ?? ""} className={control}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Past calls, newest first: filters in the URL, a keyset cursor for the next page. */
export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
  const user = await requireRole(`/history?${params}`, EVERY_ROLE);
  const t = await getTranslations("history");
  const tc = await getTranslations("call");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const format = await getFormatter();
  const timeZone = await getTimeZone();
  let filters: HistoryFilters;
  let problems: string[] = [];
  try {
    // The days of the filters are the viewer's, like every time on the page.
    filters = { ...parseHistoryFilters(params), tz: timeZone };
  } catch (error) {
    const fields = ((error as { issues?: { path: PropertyKey[] }[] }).issues ?? []).map((i) => String(i.path[0] ?? ""));
    problems = [...new Set(fields)].map((field) => {
      const known = FIELDS.find((f) => f === field);
      return known ? t(`invalid.${known}`) : t("invalid.other");
    });
    filters = { ...parseHistoryFilters(new URLSearchParams()), tz: timeZone };
  }
  const page = await runtime.history.list(user, filters);
  const names = namesOf(runtime, user);
  const lists = filterListsOf(runtime, user);
  const next = new URLSearchParams(params);
  const exportParams = new URLSearchParams(params);
  exportParams.delete("cursor");
  exportParams.delete("limit");
  const csvParams = new URLSearchParams(exportParams);
  csvParams.set("tz", timeZone);
  if (page.nextCursor) next.set("cursor", page.nextCursor);
  const time = (iso: string | null) => (iso ? format.dateTime(new Date(iso), "time") : "");

  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-4">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <h1 className="text-xl">{t("title")}</h1>
        <Link href={`/history/figures?${exportParams}`} className="text-sky-700 underline">{t("figures")}</Link>
        {user.role !== "agent" ? <Link href="/history/alerts" className="text-sky-700 underline">{t("alerts")}</Link> : null}
        {user.role !== "agent" ? <Link href="/history/reports" className="text-sky-700 underline" data-testid="reports-link">{t("reports")}</Link> : null}
        <span className="text-xs text-slate-500" data-testid="times-in">{t("timesIn", { zone: timeZone })}</span>
        <SignOut user={user} />
      </header>
      <form method="get" className="mb-4 grid grid-cols-2 gap-2 rounded-md border border-slate-200 bg-white p-3 sm:grid-cols-4 lg:grid-cols-6" aria-label={t("filters")}>
        {/* An alert's time window (from /history/alerts) is kept when other filters change. */}
        {filters.since ? <input type="hidden" name="since" value={filters.since} /> : null}
        {filters.until ? <input type="hidden" name="until" value={filters.until} /> : null}
        <label className="text-xs font-medium">{t("from")}<input type="date" name="from" defaultValue={filters.from} className={control} /></label>
        <label className="text-xs font-medium">{t("to")}<input type="date" name="to" defaultValue={filters.to} className={control} /></label>
        <Choice label={t("provider")} name="provider" value={filters.provider} all={t("all")} options={lists.providers.map((p) => ({ id: p.id, label: tc(`provider.${p.id}`) }))} />
        <Choice label={t("direction")} name="direction" value={filters.direction} all={t("anyDirection")} options={(["inbound", "outbound", "internal"] as const).map((d) => ({ id: d, label: tc(`direction.${d}`) }))} />
        <Choice label={t("outcome")} name="outcome" value={filters.outcome} all={t("anyOutcome")} options={OUTCOMES.map((o) => ({ id: o, label: o === "live" ? t("live") : tc(`outcome.${o}`) }))} />
        <label className="text-xs font-medium">{t("phone")}<input name="phone" inputMode="tel" defaultValue={filters.phone} className={control} /></label>
        {/* Only what the user may see (server/auth/scope.ts filterLists); a list with nothing to offer is left out. */}
        <Choice label={t("agent")} name="agent" value={filters.agent} all={t("all")} options={lists.agents} />
        {lists.queues.length > 0 ? <Choice label={t("queue")} name="queue" value={filters.queue} all={t("all")} options={lists.queues} /> : null}
        {lists.projects.length > 0 ? <Choice label={t("project")} name="project" value={filters.project} all={t("all")} options={lists.projects} /> : null}
        {lists.connections.length > 0 ? <Choice label={t("connection")} name="connection" value={filters.connection} all={t("all")} options={lists.connections} /> : null}
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white">{t("apply")}</button>
          <Link href="/history" className="px-2 py-1.5 text-sm text-slate-600 underline">{t("clear")}</Link>
          <a href={`/api/calls/export?${csvParams}`} className="px-2 py-1.5 text-sm text-sky-700 underline" download>
            {t("downloadCsv")}
          </a>
        </div>
      </form>
      {filters.since || filters.until ? (
        <p className="mb-3 text-sm text-slate-600" data-testid="time-window">
          {filters.since && filters.until ? t("timeWindow", { since: time(filters.since), until: time(filters.until) }) : filters.since ? t("timeWindowSince", { since: time(filters.since) }) : t("timeWindowUntil", { until: time(filters.until ?? null) })}
        </p>
      ) : null}
      {problems.length > 0 ? <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">{t("invalidFilters", { problems: problems.join("; ") })}</p> : null}
      <ScrollRegion label={t("title")}>
      <table className="w-full border-collapse text-sm">
        <thead>
          <tr className="border-b border-slate-300 text-left text-slate-600">
            <th className="py-2">{t("started")}</th>
            <th>{t("direction")}</th>
            <th>{t("fromNumber")}</th>
            <th>{t("toNumber")}</th>
            <th>{t("agent")}</th>
            <th>{t("queue")}</th>
            <th>{t("outcome")}</th>
            <th className="text-right">{t("wait")}</th>
            <th className="text-right">{t("talk")}</th>
          </tr>
        </thead>
        <tbody>
          {page.calls.map((call) => {
            const status = rowStatus(call.state, call.outcome, call.endReason);
            return (
              <tr key={call.id} className="border-b border-slate-200 hover:bg-slate-50" data-testid="history-row" data-call-id={call.id}>
                <td className="py-1.5">
                  <Link href={`/history/${call.id}?back=${encodeURIComponent(params.toString())}`} className="text-sky-700 underline">{time(call.startedAt)}</Link>
                </td>
                <td>{tc(`direction.${call.direction}`)}</td>
                <td>{call.from}</td>
                <td>{call.to}</td>
                <td>{names.agent(call.agentId)}</td>
                <td>{names.queue(call.queueId)}</td>
                <td data-testid="history-outcome" data-outcome={status.id}>{status.kind === "outcome" ? tc(`outcome.${status.id}`) : tc(`state.${status.id}`)}</td>
                <td className="text-right tabular-nums">{seconds(call.waitSeconds)}</td>
                <td className="text-right tabular-nums">{seconds(call.talkSeconds)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </ScrollRegion>
      {page.calls.length === 0 ? <p className="p-6 text-center text-slate-500">{t("empty")}</p> : null}
      <nav className="mt-3 flex justify-end">
        {page.nextCursor ? (
          <Link href={`/history?${next}`} className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-100" data-testid="older">
            {t("older")}
          </Link>
        ) : null}
      </nav>
    </main>
  );
}
