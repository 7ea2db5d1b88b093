import { SignOut } from "@/app/lib/sign-out";
import Link from "next/link";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { parseHistoryFilters, type HistoryFilters } from "@/server/history/filters";
import type { Totals } from "@/server/history/figures";
import { getRuntime } from "@/server/runtime";
import { namesOf } from "../names";
import { FiguresCharts } from "./charts";

export const dynamic = "force-dynamic";

const localDay = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};
const secs = (s: number | null) => (s === null ? "–" : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`);
const pct = (t: Totals) => (t.calls === 0 ? "–" : `${Math.round((t.answered / t.calls) * 100)}%`);

function Row({ label, t }: { label: string; t: Totals }) {
  return (
    <tr className="border-b border-slate-200">
      <td className="py-1">{label}</td>
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

function Table({ title, rows, testId }: { title: string; rows: { key: string; label: string; t: Totals }[]; testId: string }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label={title}>
      <h2 className="mb-2 font-semibold">{title}</h2>
      <table className="w-full text-sm" data-testid={testId}>
        <thead>
          <tr className="border-b border-slate-300 text-slate-500">
            <th className="py-1 text-left">Name</th><th className="text-right">Calls</th><th className="text-right">Answered</th>
            <th className="text-right">Missed</th><th className="text-right">Abandoned</th><th className="text-right">Answered %</th><th className="text-right">Avg wait</th><th className="text-right">Avg talk</th>
          </tr>
        </thead>
        <tbody>{rows.map((row) => <Row key={row.key} label={row.label} t={row.t} />)}</tbody>
      </table>
    </section>
  );
}

/** Figures for a date range (default: the last 7 days) and the history filters, as the signed-in user may see them. */
export default async function FiguresPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])));
  const user = await requireRole(`/history/figures?${params}`, EVERY_ROLE);
  const runtime = getRuntime();
  if (!runtime) return <p>Callboard is starting.</p>;
  if (!params.has("from")) params.set("from", localDay(Date.now() - 6 * 86_400_000));
  if (!params.has("to")) params.set("to", localDay(Date.now()));
  let filters: HistoryFilters;
  try {
    filters = parseHistoryFilters(params);
  } catch {
    filters = parseHistoryFilters(new URLSearchParams({ from: localDay(Date.now() - 6 * 86_400_000), to: localDay(Date.now()) }));
  }
  const names = namesOf(runtime, user);
  const all = await runtime.history.figures(user, filters);
  // An agent the user may not see (a colleague on an agent's own call) is counted, never identified: not even their id
  // reaches the page's payload.
  const figures = { ...all, byAgent: all.byAgent.map((a, i) => (a.agentId && !names.agent(a.agentId) ? { ...a, agentId: `another-${i}` } : a)) };
  const t = figures.totals;
  const tiles: [string, string][] = [
    ["Calls", String(t.calls)],
    ["Answered", `${t.answered} (${pct(t)})`],
    ["Missed", String(t.missed)],
    ["Abandoned", String(t.abandoned)],
    ["Avg wait (answered)", secs(t.avgWait)],
    ["Avg talk", secs(t.avgTalk)],
  ];
  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-4">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <Link href={`/history?${params}`} className="text-sky-700 underline">History</Link>
        <h1 className="text-xl">Figures</h1>
        <form method="get" className="ml-auto flex items-end gap-2 text-sm" aria-label="Range">
          {[...params].filter(([k]) => k !== "from" && k !== "to" && k !== "cursor").map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
          <label className="text-xs font-medium">From<input type="date" name="from" defaultValue={filters.from} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" /></label>
          <label className="text-xs font-medium">To<input type="date" name="to" defaultValue={filters.to} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" /></label>
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 font-semibold text-white">Show</button>
        </form>
        <SignOut user={user} />
      </header>
      <section className="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-6" aria-label="Totals" data-testid="figure-tiles">
        {tiles.map(([label, value]) => (
          <div key={label} className="rounded-md border border-slate-200 bg-white px-3 py-2" data-tile={label}>
            <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
            <div className="text-2xl font-bold tabular-nums">{value}</div>
          </div>
        ))}
      </section>
      <FiguresCharts figures={figures} />
      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Table title="Per queue" testId="figures-queues" rows={figures.byQueue.map((q) => ({ key: q.queueId ?? "", label: names.queue(q.queueId) || "No queue", t: q }))} />
        {/* An agent the user may not see (a colleague on an agent's own calls) is counted without a name. */}
        <Table title="Per agent" testId="figures-agents" rows={figures.byAgent.map((a) => ({ key: a.agentId ?? "", label: names.agent(a.agentId) || (a.agentId ? "Another agent" : "No agent"), t: a }))} />
      </div>
    </main>
  );
}
