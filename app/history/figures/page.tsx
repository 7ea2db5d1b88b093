import { SignOut } from "@/app/lib/sign-out";
import { ScrollRegion } from "@/app/lib/scroll-region";
import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { dayKey } from "@/server/domain/time-zone";
import { parseHistoryFilters, type HistoryFilters } from "@/server/history/filters";
import type { Totals } from "@/server/history/figures";
import { getRuntime } from "@/server/runtime";
import { namesOf } from "../names";
import { FiguresCharts } from "./charts";

export const dynamic = "force-dynamic";

const secs = (s: number | null) => (s === null ? "–" : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`);

type Percent = (t: Totals) => string;

function Row({ label, href, t, pct }: { label: string; href?: string; t: Totals; pct: Percent }) {
  return (
    <tr className="border-b border-slate-200">
      <td className="py-1 whitespace-normal">{href ? <Link href={href} className="text-sky-700 underline">{label}</Link> : label}</td>
      <td className="text-right tabular-nums">{t.calls}</td>
      <td className="text-right tabular-nums">{t.answered}</td>
      <td className="text-right tabular-nums">{t.missed}</td>
      <td className="text-right tabular-nums">{t.abandoned}</td>
      <td className="text-right tabular-nums">{pct(t)}</td>
      <td className="text-right tabular-nums">{secs(t.avgWait)}</td>
      <td className="text-right tabular-nums">{secs(t.avgTalk)}</td>
    </tr>
  );
}

function Table({ title, rows, testId, heads, pct }: { title: string; rows: { key: string; label: string; href?: string; t: Totals }[]; testId: string; heads: string[]; pct: Percent }) {
  return (
    <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-3" aria-label={title}>
      <h2 className="mb-2 font-semibold">{title}</h2>
      <ScrollRegion label={title}>
      <table className="w-full text-sm whitespace-nowrap [&_td+td]:pl-3 [&_th+th]:pl-3" data-testid={testId}>
        <thead>
          <tr className="border-b border-slate-300 text-slate-500">
            {heads.map((head, i) => (
              <th key={head} className={i === 0 ? "py-1 text-left" : "text-right"}>{head}</th>
            ))}
          </tr>
        </thead>
        <tbody>{rows.map((row) => <Row key={row.key} label={row.label} href={row.href} t={row.t} pct={pct} />)}</tbody>
      </table>
      </ScrollRegion>
    </section>
  );
}

/** Figures for a date range (default: the last 7 days) and the history filters, as the signed-in user may see them. */
export default async function FiguresPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])));
  const user = await requireRole(`/history/figures?${params}`, EVERY_ROLE);
  const t = await getTranslations("figures");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const format = await getFormatter();
  // The range is of the viewer's days, and the charts count the viewer's hours and days.
  const timeZone = await getTimeZone();
  const today = (daysAgo: number) => dayKey(Date.now() - daysAgo * 86_400_000, timeZone);
  if (!params.has("from")) params.set("from", today(6));
  if (!params.has("to")) params.set("to", today(0));
  let filters: HistoryFilters;
  try {
    filters = { ...parseHistoryFilters(params), tz: timeZone };
  } catch {
    filters = { ...parseHistoryFilters(new URLSearchParams({ from: today(6), to: today(0) })), tz: timeZone };
  }
  const names = namesOf(runtime, user);
  const all = await runtime.history.figures(user, filters);
  // An agent the user may not see (a colleague on an agent's own call) is counted, never identified: not even their id
  // reaches the page's payload.
  const figures = { ...all, byAgent: all.byAgent.map((a, i) => (a.agentId && !names.agent(a.agentId) ? { ...a, agentId: `another-${i}` } : a)) };
  const pct: Percent = (totals) => (totals.calls === 0 ? "–" : format.number(totals.answered / totals.calls, "percent"));
  const totals = figures.totals;
  const tiles: [string, string, string][] = [
    ["calls", t("calls"), format.number(totals.calls)],
    ["answered", t("answered"), `${format.number(totals.answered)} (${pct(totals)})`],
    ["missed", t("missed"), format.number(totals.missed)],
    ["abandoned", t("abandoned"), format.number(totals.abandoned)],
    ["wait", t("avgWaitAnswered"), secs(totals.avgWait)],
    ["talk", t("avgTalk"), secs(totals.avgTalk)],
  ];
  const heads = [t("name"), t("calls"), t("answered"), t("missed"), t("abandoned"), t("answeredPercent"), t("avgWait"), t("avgTalk")];
  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-4">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <Link href={`/history?${params}`} className="text-sky-700 underline">{t("history")}</Link>
        <Link href={`/history/agents?from=${filters.from}&to=${filters.to}`} className="text-sky-700 underline" data-testid="team-link">{t("agents")}</Link>
        {user.role !== "agent" ? <Link href={`/history/reports?from=${filters.from}&to=${filters.to}&interval=day`} className="text-sky-700 underline" data-testid="reports-link">{t("reports")}</Link> : null}
        <h1 className="text-xl">{t("title")}</h1>
        <span className="text-xs text-slate-500" data-testid="times-in">{t("timesIn", { zone: timeZone })}</span>
        <form method="get" className="ml-auto flex items-end gap-2 text-sm" aria-label={t("range")}>
          {[...params].filter(([k]) => k !== "from" && k !== "to" && k !== "cursor").map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
          <label className="text-xs font-medium">{t("from")}<input type="date" name="from" defaultValue={filters.from} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" /></label>
          <label className="text-xs font-medium">{t("to")}<input type="date" name="to" defaultValue={filters.to} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" /></label>
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 font-semibold text-white">{t("show")}</button>
        </form>
        <SignOut user={user} />
      </header>
      <section className="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-6" aria-label={t("totals")} data-testid="figure-tiles">
        {tiles.map(([id, label, value]) => (
          <div key={id} className="rounded-md border border-slate-200 bg-white px-3 py-2" data-tile={id}>
            <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
            <div className="text-2xl font-bold tabular-nums">{value}</div>
          </div>
        ))}
      </section>
      <FiguresCharts figures={figures} />
      <div className="mt-4 grid min-w-0 gap-4 lg:grid-cols-2">
        <Table title={t("perQueue")} testId="figures-queues" heads={heads} pct={pct} rows={figures.byQueue.map((q) => ({ key: q.queueId ?? "", label: names.queue(q.queueId) || t("noQueue"), t: q }))} />
        {/* An agent the user may not see (a colleague on an agent's own calls) is counted without a name. */}
        <Table title={t("perAgent")} testId="figures-agents" heads={heads} pct={pct} rows={figures.byAgent.map((a) => ({
            key: a.agentId ?? "",
            label: names.agent(a.agentId) || (a.agentId ? t("anotherAgent") : t("noAgent")),
            // Each agent's day (the last day of the range); not for a colleague the user may not see.
            href: a.agentId && names.agent(a.agentId) ? `/history/agents/${encodeURIComponent(a.agentId)}?day=${filters.to}` : undefined,
            t: a,
          }))} />
      </div>
    </main>
  );
}
