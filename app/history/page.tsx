import { SignOut } from "@/app/lib/sign-out";
import Link from "next/link";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { rowLabel } from "@/server/domain/figures";
import { OUTCOMES, parseHistoryFilters, type HistoryFilters } from "@/server/history/filters";
import { OUTCOME_LABEL } from "@/server/domain/figures";
import { getRuntime } from "@/server/runtime";
import { filterListsOf, namesOf } from "./names";

export const dynamic = "force-dynamic";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "medium" }) : "");
const seconds = (s: number | null) => (s === null ? "" : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`);

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
  const runtime = getRuntime();
  if (!runtime) return <p>Callboard is starting.</p>;
  let filters: HistoryFilters;
  let problem: string | null = null;
  try {
    filters = parseHistoryFilters(params);
  } catch (error) {
    problem = ((error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? []).map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ");
    filters = parseHistoryFilters(new URLSearchParams());
  }
  const page = await runtime.history.list(user, filters);
  const names = namesOf(runtime, user);
  const lists = filterListsOf(runtime, user);
  const next = new URLSearchParams(params);
  const exportParams = new URLSearchParams(params);
  exportParams.delete("cursor");
  exportParams.delete("limit");
  if (page.nextCursor) next.set("cursor", page.nextCursor);

  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex items-center gap-4">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <h1 className="text-xl">History</h1>
        <Link href={`/history/figures?${exportParams}`} className="text-sky-700 underline">Figures</Link>
        {user.role !== "agent" ? <Link href="/history/alerts" className="text-sky-700 underline">Alerts</Link> : null}
        <span className="ml-auto text-sm text-slate-600">{user.name}</span>
        <SignOut user={user} />
      </header>
      <form method="get" className="mb-4 grid grid-cols-2 gap-2 rounded-md border border-slate-200 bg-white p-3 sm:grid-cols-4 lg:grid-cols-6" aria-label="Filters">
        {/* An alert's time window (from /history/alerts) is kept when other filters change. */}
        {filters.since ? <input type="hidden" name="since" value={filters.since} /> : null}
        {filters.until ? <input type="hidden" name="until" value={filters.until} /> : null}
        <label className="text-xs font-medium">From<input type="date" name="from" defaultValue={filters.from} className={control} /></label>
        <label className="text-xs font-medium">To<input type="date" name="to" defaultValue={filters.to} className={control} /></label>
        <Choice label="Provider" name="provider" value={filters.provider} all="All" options={lists.providers} />
        <Choice label="Direction" name="direction" value={filters.direction} all="Both" options={[{ id: "inbound", label: "Inbound" }, { id: "outbound", label: "Outbound" }, { id: "internal", label: "Internal" }]} />
        <Choice label="Outcome" name="outcome" value={filters.outcome} all="Any" options={OUTCOMES.map((o) => ({ id: o, label: o === "live" ? "live" : OUTCOME_LABEL[o] }))} />
        <label className="text-xs font-medium">Phone number<input name="phone" inputMode="tel" defaultValue={filters.phone} className={control} /></label>
        {/* Only what the user may see (server/auth/scope.ts filterLists); a list with nothing to offer is left out. */}
        <Choice label="Agent" name="agent" value={filters.agent} all="All" options={lists.agents} />
        {lists.queues.length > 0 ? <Choice label="Queue" name="queue" value={filters.queue} all="All" options={lists.queues} /> : null}
        {lists.projects.length > 0 ? <Choice label="Project" name="project" value={filters.project} all="All" options={lists.projects} /> : null}
        {lists.connections.length > 0 ? <Choice label="Connection" name="connection" value={filters.connection} all="All" options={lists.connections} /> : null}
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white">Apply</button>
          <Link href="/history" className="px-2 py-1.5 text-sm text-slate-600 underline">Clear</Link>
          <a href={`/api/calls/export?${exportParams}`} className="px-2 py-1.5 text-sm text-sky-700 underline" download>
            Download CSV
          </a>
        </div>
      </form>
      {filters.since || filters.until ? (
        <p className="mb-3 text-sm text-slate-600" data-testid="time-window">
          Calls in progress between {filters.since ? time(filters.since) : "…"} and {filters.until ? time(filters.until) : "now"}
        </p>
      ) : null}
      {problem ? <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">{problem}</p> : null}
      <table className="w-full border-collapse text-sm">
        <thead>
          <tr className="border-b border-slate-300 text-left text-slate-500">
            <th className="py-2">Started</th>
            <th>Direction</th>
            <th>From</th>
            <th>To</th>
            <th>Agent</th>
            <th>Queue</th>
            <th>Outcome</th>
            <th className="text-right">Wait</th>
            <th className="text-right">Talk</th>
          </tr>
        </thead>
        <tbody>
          {page.calls.map((call) => (
            <tr key={call.id} className="border-b border-slate-200 hover:bg-slate-50" data-testid="history-row" data-call-id={call.id}>
              <td className="py-1.5">
                <Link href={`/history/${call.id}?back=${encodeURIComponent(params.toString())}`} className="text-sky-700 underline">{time(call.startedAt)}</Link>
              </td>
              <td>{call.direction}</td>
              <td>{call.from}</td>
              <td>{call.to}</td>
              <td>{names.agent(call.agentId)}</td>
              <td>{names.queue(call.queueId)}</td>
              <td data-testid="history-outcome">{rowLabel(call.state, call.outcome, call.endReason)}</td>
              <td className="text-right tabular-nums">{seconds(call.waitSeconds)}</td>
              <td className="text-right tabular-nums">{seconds(call.talkSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.calls.length === 0 ? <p className="p-6 text-center text-slate-500">No calls match these filters.</p> : null}
      <nav className="mt-3 flex justify-end">
        {page.nextCursor ? (
          <Link href={`/history?${next}`} className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-100" data-testid="older">
            Older calls →
          </Link>
        ) : null}
      </nav>
    </main>
  );
}
