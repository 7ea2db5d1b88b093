"use client";

import { SignOut } from "@/app/lib/sign-out";
import { agentDetail, agentLabel } from "@/server/domain/names";
import { agentChain } from "@/server/domain/handoff";
import { useRouter, useSearchParams } from "next/navigation";
import { memo, Suspense, useEffect, useRef, type ReactNode } from "react";
import { callOutcome, outcomeLabel, stateCounts } from "@/server/domain/figures";
import type { Call } from "@/server/domain/model";
import { buildGroups, isStuck, type BoardState, type Filters, type Group, type Lens } from "./board-state";
import { formatDuration, LiveTimer, setClockOffset } from "./live-timer";
import { LINK_STYLE, STATE_STYLE, STATUS_STYLE } from "./styles";
import { useBoard, useNow } from "./use-board";

const LENSES: { id: Lens; label: string }[] = [
  { id: "agent", label: "By agent" },
  { id: "queue", label: "By queue" },
  { id: "project", label: "By project" },
];




function CallTimer({ call, stuck }: { call: Call; stuck: boolean }) {
  if (stuck) return <LiveTimer since={call.updatedAt} prefix="since " testId="call-timer" />;
  if (call.state === "ended") {
    const talk = call.talkSeconds ?? 0;
    return <span data-testid="call-timer">{talk > 0 && call.endReason !== "no_end_received" ? `talked ${formatDuration(talk * 1000)}` : outcomeLabel(call)}</span>;
  }
  return <LiveTimer since={call.state === "ringing" ? call.startedAt : (call.answeredAt ?? call.startedAt)} testId="call-timer" />;
}

/**
 * One call. Memoized on plain values: with a thousand calls on the board, an update re-renders only the rows whose
 * call changed; the timer ticks on its own (LiveTimer).
 */
const CallRow = memo(function CallRow({ call, stuck, agent, queue }: { call: Call; stuck: boolean; agent: string | null; queue: string | null }) {
  const style = STATE_STYLE[stuck ? "stuck" : call.state];
  return (
    <li
      className="rounded-md border border-slate-200 bg-white text-sm hover:border-sky-300"
      data-testid="call"
      data-call-key={call.key}
      data-state={stuck ? "stuck" : call.state}
      data-outcome={call.state === "ended" ? (callOutcome(call) ?? undefined) : undefined}
    >
      {/* Every row opens its call: parties, legs, timeline. */}
      <a href={`/history/${call.id}`} className="flex items-center gap-3 px-3 py-2" data-testid="call-link">
        <span className={`w-20 shrink-0 rounded px-2 py-0.5 text-center text-xs font-semibold ring-1 ${style.className}`}>{style.label}</span>
        <span className="w-6 shrink-0 text-center text-slate-500" title={call.direction}>
          {call.direction === "inbound" ? "↙" : call.direction === "outbound" ? "↗" : "↔"}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate">
            <span className="font-medium">{call.from ?? "unknown"}</span>
            <span className="text-slate-400"> → </span>
            <span className="font-medium">{call.to ?? "unknown"}</span>
          </span>
          <span className="block truncate text-xs text-slate-500">
            {[agent, queue, call.provider].filter(Boolean).join(" · ")}
          </span>
        </span>
        <span className="shrink-0 font-mono tabular-nums text-slate-700">
          <CallTimer call={call} stuck={stuck} />
        </span>
      </a>
    </li>
  );
});

function Figure({ label, value, testId, warn }: { label: string; value: ReactNode; testId?: string; warn?: boolean }) {
  return (
    <div className="min-w-0">
      <div className="truncate text-[11px] uppercase tracking-wide text-slate-500">{label}</div>
      <div className={`font-semibold tabular-nums ${warn ? "text-rose-700" : ""}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

function GroupHeader({ group, serviceLevelSeconds }: { group: Group; serviceLevelSeconds: number }) {
  if (group.agent) {
    const { status, today } = group.agent;
    const style = STATUS_STYLE[status.status];
    const call = status.call;
    return (
      <div className="mb-2">
        <h2 className="flex items-baseline gap-2">
          <span className="truncate font-semibold" data-testid="agent-name">{group.title}</span>
          <span className="text-xs text-slate-500">{agentDetail(group.agent.agent)}</span>
        </h2>
        <div className="mt-1 flex items-center gap-2 text-sm">
          <span className={`rounded px-2 py-0.5 text-xs font-semibold ring-1 ${style.className}`} data-testid="agent-status" data-status={status.status}>
            {style.label}
            {status.pauseReason ? `: ${status.pauseReason}` : ""}
          </span>
          <span className="text-slate-700">
            <LiveTimer since={status.since} testId="agent-timer" />
          </span>
          <span className="ml-auto text-xs text-slate-500" data-testid="agent-today">
            today {today?.answered ?? 0} answered · {today?.missed ?? 0} missed
          </span>
        </div>
        {call ? (
          <p className="mt-1 truncate text-xs text-slate-600">
            {call.direction === "outbound" ? "to" : "from"} {call.direction === "outbound" ? call.to : call.from}
          </p>
        ) : null}
      </div>
    );
  }
  const figures = group.figures;
  return (
    <div className="mb-2">
      <h2 className="truncate font-semibold">{group.title}</h2>
      {figures ? (
        <div className="mt-1 grid grid-cols-4 gap-2 text-sm" data-testid="queue-figures">
          <Figure label="Waiting" value={figures.waiting} testId="figure-waiting" warn={figures.waiting > 0} />
          <Figure label="Longest wait" value={figures.longestWaitSince === null ? "–" : <LiveTimer since={figures.longestWaitSince} />} testId="figure-longest-wait" />
          <Figure label="Ringing" value={figures.ringing} testId="figure-ringing" />
          <Figure label="Talking" value={figures.talking} testId="figure-talking" />
          <Figure label="Answered" value={figures.today?.answered ?? 0} testId="figure-answered" />
          <Figure label="Missed" value={figures.today?.missed ?? 0} testId="figure-missed" />
          <Figure label="Abandoned" value={figures.today?.abandoned ?? 0} testId="figure-abandoned" />
          <Figure label={`SL ${serviceLevelSeconds}s`} value={figures.today?.serviceLevel == null ? "–" : `${figures.today.serviceLevel}%`} testId="figure-service-level" />
        </div>
      ) : null}
      {figures?.today?.outbound ? (
        <p className="mt-1 text-xs text-slate-500" data-testid="figure-outbound">
          outbound today {figures.today.outbound} · {figures.today.outboundAnswered} answered
        </p>
      ) : null}
    </div>
  );
}

type Names = {
  agentName: (id: string | null) => string | null;
  /** Who had the call, "A → B" after a transfer. */
  handledBy: (call: Call) => string | null;
  queueName: (id: string | null) => string | null;
};

/** What a card shows, as plain values: a card re-renders only when one of them changed. */
function cardKey(group: Group, now: number, stuckMs: number, names: Names): string {
  const parts: unknown[] = [group.title];
  if (group.agent) {
    const { agent, status, today } = group.agent;
    parts.push(agent.version, status.status, status.since, status.pauseReason, status.call?.id, today?.answered, today?.missed);
  }
  if (group.figures) {
    const f = group.figures;
    parts.push(f.waiting, f.longestWaitSince, f.ringing, f.talking, f.today?.answered, f.today?.missed, f.today?.abandoned, f.today?.serviceLevel, f.today?.outbound, f.today?.outboundAnswered);
  }
  for (const call of group.calls) parts.push(call.id, call.version, isStuck(call, now, stuckMs), names.handledBy(call), names.queueName(call.queueId));
  return JSON.stringify(parts);
}

const GroupSection = memo(
  function GroupSection({ group, now, stuckMs, serviceLevelSeconds, names }: { group: Group; now: number; stuckMs: number; serviceLevelSeconds: number; names: Names; renderKey: string }) {
    return (
      // Off-screen cards skip layout and paint (content-visibility): a TV board can hold hundreds of them.
      <section
        className="rounded-lg border border-slate-200 bg-slate-100/60 p-3 [contain-intrinsic-size:auto_220px] [content-visibility:auto]"
        data-testid="group"
        data-group-title={group.title}
      >
        <GroupHeader group={group} serviceLevelSeconds={serviceLevelSeconds} />
        {group.calls.length > 0 ? (
          <ul className="flex flex-col gap-1.5">
            {group.calls.map((call) => (
              <CallRow key={call.id} call={call} stuck={isStuck(call, now, stuckMs)} agent={names.handledBy(call)} queue={names.queueName(call.queueId)} />
            ))}
          </ul>
        ) : null}
      </section>
    );
  },
  (before, after) => before.renderKey === after.renderKey && before.serviceLevelSeconds === after.serviceLevelSeconds,
);

function GroupCard({ group, now, state }: { group: Group; now: number; state: BoardState }) {
  const agentName = (id: string | null) => {
    const agent = id ? state.agents.get(id) : undefined;
    return agent ? agentLabel(agent) : null;
  };
  const names: Names = {
    agentName,
    handledBy: (call) => agentChain(call).map(agentName).filter(Boolean).join(" → ") || null,
    queueName: (id) => (id ? (state.queues.get(id)?.name ?? null) : null),
  };
  const stuckMs = state.settings.stuckMs;
  return (
    <GroupSection
      group={group}
      now={now}
      stuckMs={stuckMs}
      serviceLevelSeconds={state.settings.serviceLevelSeconds}
      names={names}
      renderKey={cardKey(group, now, stuckMs, names)}
    />
  );
}

/** Admins and supervisors; agents get their own view (agent-view.tsx). */
interface Viewer {
  name: string;
  role: "admin" | "supervisor";
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

function Board({ user }: { user: Viewer }) {
  const router = useRouter();
  const params = useSearchParams();
  const lensParam = params.get("lens");
  const lens: Lens = lensParam === "queue" || lensParam === "project" ? lensParam : "agent";
  const wallboard = params.get("wallboard") === "1";
  const filters = readFilters(params);
  const { state, status } = useBoard();
  setClockOffset(state.clockOffset);
  // Timers tick by themselves (LiveTimer); the board itself is recomputed every few seconds for stuck calls and for
  // ended calls leaving, and on every update.
  const now = useNow(state.clockOffset, 5000);
  const groups = buildGroups(state, lens, now, filters);
  const counts = stateCounts(groups.flatMap((group) => group.calls), now, state.settings.stuckMs);

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
  const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

  return (
    <main className={wallboard ? "min-h-screen bg-slate-950 p-4 text-slate-100 [&_section]:bg-slate-900 [&_section]:border-slate-700 [&_li]:bg-slate-800 [&_li]:border-slate-700 [&_li]:text-slate-100 [&_.text-slate-700]:text-slate-100 [&_.text-slate-600]:text-slate-300 [&_.text-slate-500]:text-slate-300" : "mx-auto max-w-7xl p-4"}>
      <header className="mb-4 flex flex-wrap items-center gap-3">
        <h1 className={`${wallboard ? "text-3xl" : "text-xl"} font-bold`}>Callboard</h1>
        <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${LINK_STYLE[status]}`} data-testid="link-status">
          {status}
        </span>
        {wallboard ? (
          <button type="button" onClick={() => setParam("wallboard", null)} className="ml-auto rounded-md px-2 py-1 text-xs text-slate-400 ring-1 ring-slate-700" data-testid="leave-wallboard">
            Leave wallboard
          </button>
        ) : (
          <>
            <nav className="ml-auto flex rounded-md border border-slate-300 bg-white p-0.5" aria-label="Group calls">
              {LENSES.map((item) => (
                <button
                  key={item.id}
                  type="button"
                  onClick={() => setParam("lens", item.id)}
                  aria-pressed={lens === item.id}
                  className={`rounded px-3 py-1 text-sm ${lens === item.id ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
                >
                  {item.label}
                </button>
              ))}
            </nav>
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
            <a href="/history" className="text-sm text-sky-700 underline">
              History
            </a>
            {user.role === "admin" ? (
              <a href="/admin/users" className="text-sm text-sky-700 underline">
                Admin
              </a>
            ) : null}
            <SignOut user={user} className="" />
          </>
        )}
      </header>
      {!wallboard ? (
        <section className="mb-4 flex flex-wrap items-center gap-2 rounded-md border border-slate-200 bg-white p-2" aria-label="Filters">
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
      ) : null}
      <section className="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-4" aria-label="Totals">
        {(Object.keys(counts) as Call["state"][]).map((key) => (
          <div key={key} className={`rounded-md px-3 py-2 ring-1 ${STATE_STYLE[key].className}`} data-testid={`count-${key}`}>
            <div className="text-xs uppercase tracking-wide">{key === "ended" ? "Just ended" : STATE_STYLE[key].label}</div>
            <div className={`${wallboard ? "text-5xl" : "text-2xl"} font-bold tabular-nums`}>{counts[key]}</div>
          </div>
        ))}
      </section>
      {!state.ready ? (
        <p className="text-slate-500">Connecting to the live feed…</p>
      ) : groups.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-8 text-center text-slate-500">
          No calls right now. Calls appear here as soon as a provider reports them.
        </p>
      ) : (
        <div className={`grid gap-4 md:grid-cols-2 ${wallboard ? "xl:grid-cols-4" : "xl:grid-cols-3"}`}>
          {groups.map((group) => (
            <GroupCard key={group.id} group={group} now={now} state={state} />
          ))}
        </div>
      )}
    </main>
  );
}

export function LiveBoard({ user }: { user: Viewer }) {
  return (
    <Suspense fallback={<p className="p-4 text-slate-500">Loading…</p>}>
      <Board user={user} />
    </Suspense>
  );
}
