"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import type { Call } from "@/server/domain/model";
import { groupCalls, type BoardState, type Lens } from "./board-state";
import { useBoard, useNow, type LinkStatus } from "./use-board";

const LENSES: { id: Lens; label: string }[] = [
  { id: "agent", label: "By agent" },
  { id: "queue", label: "By queue" },
  { id: "project", label: "By project" },
];

const STATE_STYLE: Record<Call["state"], { label: string; className: string }> = {
  ringing: { label: "Ringing", className: "bg-amber-100 text-amber-900 ring-amber-300" },
  talking: { label: "Talking", className: "bg-emerald-100 text-emerald-900 ring-emerald-300" },
  held: { label: "On hold", className: "bg-sky-100 text-sky-900 ring-sky-300" },
  ended: { label: "Ended", className: "bg-slate-100 text-slate-600 ring-slate-300" },
};

const LINK_STYLE: Record<LinkStatus, string> = {
  connecting: "bg-slate-200 text-slate-700",
  live: "bg-emerald-600 text-white",
  reconnecting: "bg-amber-500 text-white",
  offline: "bg-red-600 text-white",
};

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function timerFor(call: Call, now: number): string {
  if (call.state === "ended") {
    const talk = call.talkSeconds ?? 0;
    return talk > 0 ? `talked ${formatDuration(talk * 1000)}` : (call.endReason ?? "ended").replace("_", " ");
  }
  const since = call.state === "ringing" ? call.startedAt : (call.answeredAt ?? call.startedAt);
  return formatDuration(now - since);
}

function CallRow({ call, now, state }: { call: Call; now: number; state: BoardState }) {
  const style = STATE_STYLE[call.state];
  const queue = call.queueId ? state.queues.get(call.queueId)?.name : null;
  const agent = call.agentId ? state.agents.get(call.agentId) : null;
  return (
    <li
      className="flex items-center gap-3 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm"
      data-testid="call"
      data-call-key={call.key}
      data-state={call.state}
    >
      <span className={`w-20 shrink-0 rounded px-2 py-0.5 text-center text-xs font-semibold ring-1 ${style.className}`}>
        {style.label}
      </span>
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
          {[agent?.name ?? agent?.externalId, queue, call.provider].filter(Boolean).join(" · ")}
        </span>
      </span>
      <span className="shrink-0 font-mono tabular-nums text-slate-700" data-testid="call-timer">
        {timerFor(call, now)}
      </span>
    </li>
  );
}

interface Viewer {
  name: string;
  role: "admin" | "supervisor" | "agent";
}

function Board({ user }: { user: Viewer }) {
  const router = useRouter();
  const params = useSearchParams();
  const lensParam = params.get("lens");
  // An agent sees only their own calls: the lenses would all show the same one group.
  const lens: Lens = user.role !== "agent" && (lensParam === "queue" || lensParam === "project") ? lensParam : "agent";
  const { state, status } = useBoard();
  const now = useNow(state.clockOffset);
  const groups = groupCalls(state, lens, now);
  const counts = { ringing: 0, talking: 0, held: 0, ended: 0 };
  for (const group of groups) for (const call of group.calls) counts[call.state]++;

  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-bold">{user.role === "agent" ? "My calls" : "Callboard"}</h1>
        <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${LINK_STYLE[status]}`} data-testid="link-status">
          {status}
        </span>
        <nav className={`ml-auto flex rounded-md border border-slate-300 bg-white p-0.5 ${user.role === "agent" ? "invisible" : ""}`} aria-label="Group calls">
          {LENSES.map((item) => (
            <button
              key={item.id}
              type="button"
              onClick={() => router.replace(`?lens=${item.id}`)}
              aria-pressed={lens === item.id}
              className={`rounded px-3 py-1 text-sm ${lens === item.id ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {item.label}
            </button>
          ))}
        </nav>
        {user.role === "admin" ? (
          <a href="/admin/users" className="text-sm text-sky-700 underline">
            Admin
          </a>
        ) : null}
        <form method="post" action="/api/auth/sign-out" className="flex items-center gap-2 text-sm">
          <span className="text-slate-600" data-testid="signed-in-as">
            {user.name} <span className="text-slate-400">({user.role})</span>
          </span>
          <button type="submit" className="rounded-md border border-slate-300 bg-white px-2.5 py-1 hover:bg-slate-100">
            Sign out
          </button>
        </form>
      </header>
      <section className="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-4" aria-label="Totals">
        {(Object.keys(counts) as Call["state"][]).map((key) => (
          <div key={key} className={`rounded-md px-3 py-2 ring-1 ${STATE_STYLE[key].className}`} data-testid={`count-${key}`}>
            <div className="text-xs uppercase tracking-wide">{key === "ended" ? "Just ended" : STATE_STYLE[key].label}</div>
            <div className="text-2xl font-bold tabular-nums">{counts[key]}</div>
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
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {groups.map((group) => (
            <section key={group.id} className="rounded-lg border border-slate-200 bg-slate-100/60 p-3" data-testid="group">
              <h2 className="mb-2 flex items-baseline gap-2">
                <span className="font-semibold">{group.title}</span>
                {group.subtitle ? <span className="text-xs text-slate-500">{group.subtitle}</span> : null}
                <span className="ml-auto text-xs text-slate-500">{group.calls.length} calls</span>
              </h2>
              <ul className="flex flex-col gap-1.5">
                {group.calls.map((call) => (
                  <CallRow key={call.id} call={call} now={now} state={state} />
                ))}
              </ul>
            </section>
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
