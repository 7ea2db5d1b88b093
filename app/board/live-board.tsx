"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useRef } from "react";
import { SignOut } from "@/app/lib/sign-out";
import { agentChain } from "@/server/domain/handoff";
import { agentLabel } from "@/server/domain/names";
import { METRICS } from "@/server/domain/thresholds";
import { useAlerting, type AlertPrefs } from "./alerting";
import { boardLevel, buildBoard, type BoardView, type Filters, type Lens } from "./board-state";
import { CallList } from "./call-list";
import { setClockOffset } from "./live-timer";
import { QueueHeader } from "./queue-header";
import { Roster, type CallNames } from "./roster";
import { LINK_STYLE } from "./styles";
import { useBoard, useNow } from "./use-board";
import { Wallboard, wallboardOptions } from "./wallboard";

const LENSES: { id: Lens; label: string }[] = [
  { id: "queue", label: "Queues" },
  { id: "project", label: "Projects" },
];

/** Admins and supervisors; agents get their own view (agent-view.tsx). */
interface Viewer {
  name: string;
  role: "admin" | "supervisor";
  alerts?: AlertPrefs;
}

function readFilters(params: URLSearchParams): Filters {
  const direction = params.get("direction");
  return {
    connection: params.get("connection") || null,
    direction: direction === "inbound" || direction === "outbound" || direction === "internal" ? direction : null,
    queue: params.get("queue") || null,
    agent: params.get("agent") ?? "",
  };
}

/** "NOC: longest wait red, waiting amber": what a notification says. */
function breachSummary(view: BoardView): string {
  return view.header
    .flatMap((row) => {
      const breached = METRICS.filter((metric) => row.levels && row.levels[metric] !== "ok").map((metric) => `${metric} ${row.levels![metric]}`);
      return breached.length ? [`${row.title}: ${breached.join(", ")}`] : [];
    })
    .join("; ");
}

function Board({ user }: { user: Viewer }) {
  const router = useRouter();
  const params = useSearchParams();
  const lens: Lens = params.get("lens") === "project" ? "project" : "queue";
  const wallboard = params.get("wallboard") === "1";
  const filters = readFilters(params);
  const { state, status } = useBoard();
  setClockOffset(state.clockOffset);
  // Timers tick by themselves (LiveTimer); the board is recomputed on every update and every two seconds (levels that
  // move with time, like the longest wait crossing its threshold; ended calls leaving).
  const now = useNow(state.clockOffset, 2000);
  const view = buildBoard(state, lens, now, filters);
  const level = boardLevel(view);
  useAlerting(level, view.totals.figures.waiting, breachSummary(view), user.alerts ?? { sound: false, notify: false });

  // The router updates the address bar asynchronously: until it has, build on the last query asked for, so two quick
  // filter changes do not undo each other.
  const requested = useRef<string | null>(null);
  useEffect(() => {
    requested.current = null;
  }, [params]);
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(requested.current ?? params.toString());
    if (value) next.set(name, value);
    else next.delete(name);
    requested.current = next.toString();
    router.replace(`?${next}`);
  };

  const agentName = (id: string | null) => {
    const agent = id ? state.agents.get(id) : undefined;
    return agent ? agentLabel(agent) : null;
  };
  const names: CallNames = {
    handledBy: (call) => agentChain(call).map(agentName).filter(Boolean).join(" → ") || null,
    queueName: (id) => (id ? (state.queues.get(id)?.name ?? null) : null),
  };
  const linkBadge = (
    <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${LINK_STYLE[status]}`} data-testid="link-status">
      {status}
    </span>
  );

  if (wallboard) {
    return (
      <Wallboard
        rows={view.header}
        totals={view.totals}
        options={wallboardOptions(params)}
        serviceLevelSeconds={state.settings.serviceLevelSeconds}
        onLeave={() => setParam("wallboard", null)}
        status={linkBadge}
      />
    );
  }

  const select = "min-w-0 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-3 p-3 sm:p-4" data-level={level}>
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h1 className="text-xl font-bold">Callboard</h1>
        {linkBadge}
        <nav className="flex rounded-md border border-slate-300 bg-white p-0.5" aria-label="Header groups">
          {LENSES.map((item) => (
            <button
              key={item.id}
              type="button"
              onClick={() => setParam("lens", item.id)}
              aria-pressed={lens === item.id}
              className={`rounded px-3 py-1 text-sm ${lens === item.id ? "bg-slate-900 text-white" : "text-slate-800 hover:bg-slate-100"}`}
            >
              {item.label}
            </button>
          ))}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-x-3 gap-y-1">
          <button
            type="button"
            onClick={() => {
              setParam("wallboard", "1");
              void document.documentElement.requestFullscreen?.().catch(() => undefined);
            }}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm hover:bg-slate-100"
          >
            Wallboard
          </button>
          <a href="/history" className="text-sm text-sky-800 underline">
            History
          </a>
          {user.role === "admin" ? (
            <a href="/admin/users" className="text-sm text-sky-800 underline">
              Admin
            </a>
          ) : null}
          <SignOut user={user} className="" />
        </div>
      </header>
      <section className="grid grid-cols-2 gap-2 rounded-md border border-slate-200 bg-white p-2 sm:flex sm:flex-wrap sm:items-center" aria-label="Filters">
        <select aria-label="Connection" className={select} value={filters.connection ?? ""} onChange={(e) => setParam("connection", e.target.value || null)}>
          <option value="">All connections</option>
          {state.connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label="Direction" className={select} value={filters.direction ?? ""} onChange={(e) => setParam("direction", e.target.value || null)}>
          <option value="">Both directions</option>
          <option value="inbound">Inbound</option>
          <option value="outbound">Outbound</option>
          <option value="internal">Internal</option>
        </select>
        <select aria-label="Queue" className={select} value={filters.queue ?? ""} onChange={(e) => setParam("queue", e.target.value || null)}>
          <option value="">All queues</option>
          {[...state.queues.values()].map((q) => (
            <option key={q.id} value={q.id}>
              {q.name}
            </option>
          ))}
        </select>
        <input aria-label="Agent" placeholder="Agent name or login" className={select} defaultValue={filters.agent} onChange={(e) => setParam("agent", e.target.value || null)} />
      </section>
      {!state.ready ? (
        <p className="text-slate-600">Connecting to the live feed…</p>
      ) : (
        <>
          <QueueHeader rows={view.header} totals={view.totals} lens={lens} serviceLevelSeconds={state.settings.serviceLevelSeconds} />
          <div className="grid min-w-0 gap-3 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
            <Roster rows={view.roster} names={names} />
            <CallList calls={view.calls} now={now} stuckMs={state.settings.stuckMs} names={names} agentName={agentName} />
          </div>
        </>
      )}
    </main>
  );
}

export function LiveBoard({ user }: { user: Viewer }) {
  return (
    <Suspense fallback={<p className="p-4 text-slate-600">Loading…</p>}>
      <Board user={user} />
    </Suspense>
  );
}
