"use client";

import { useTranslations } from "next-intl";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useRef } from "react";
import { usePreferences } from "@/app/lib/preferences-context";
import { SignOut } from "@/app/lib/sign-out";
import { agentChain } from "@/server/domain/handoff";
import { agentLabel } from "@/server/domain/names";
import { METRICS } from "@/server/domain/thresholds";
import { useAlerting } from "./alerting";
import { boardLevel, buildBoard, type BoardView, type Filters, type HeaderRow, type Lens } from "./board-state";
import { CallList } from "./call-list";
import { setClockFrozen, setClockOffset } from "./live-timer";
import { QueueHeader } from "./queue-header";
import { Roster, type CallNames } from "./roster";
import { LINK_STYLE } from "./styles";
import { ReplayBar } from "./replay-bar";
import { useBoard, useNow } from "./use-board";
import { readMoment, useReplay } from "./use-replay";
import { Wallboard, wallboardOptions } from "./wallboard";

const LENSES: Lens[] = ["queue", "project"];

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

/** "NOC: longest wait alert, waiting warning": what a notification says, in the viewer's words. */
function breachSummary(view: BoardView, say: (metric: string, level: string) => string): string {
  return view.header
    .flatMap((row) => {
      const breached = METRICS.filter((metric) => row.levels && row.levels[metric] !== "ok").map((metric) => say(metric, row.levels![metric]));
      return breached.length ? [`${row.title}: ${breached.join(", ")}`] : [];
    })
    .join("; ");
}

function Board({ user }: { user: Viewer }) {
  const t = useTranslations("board");
  const preferences = usePreferences();
  const router = useRouter();
  const params = useSearchParams();
  const lens: Lens = params.get("lens") === "project" ? "project" : "queue";
  const wallboard = params.get("wallboard") === "1";
  const filters = readFilters(params);
  // `?at=`: the time machine's board of that moment (replay-bar.tsx), the same board rebuilt from stored events.
  const replayAt = readMoment(params.get("at"));
  // A link naming no moment (no zone, no such date) shows the live board, and says so.
  const badMoment = params.has("at") && replayAt === null;
  const live = useBoard(replayAt === null);
  const replay = useReplay(replayAt);
  const { state } = replayAt === null ? live : replay;
  const status = live.status;
  setClockOffset(state.clockOffset);
  setClockFrozen(replayAt);
  // Timers tick by themselves (LiveTimer); the board is recomputed on every update and every two seconds (levels that
  // move with time, like the longest wait crossing its threshold; ended calls leaving). A replay stands at its moment.
  const ticking = useNow(state.clockOffset, 2000);
  const now = replayAt ?? ticking;
  const view = buildBoard(state, lens, now, filters);
  const level = boardLevel(view);
  useAlerting(
    level,
    replayAt === null ? t("tabTitle", { count: view.totals.figures.waiting }) : t("replay.tabTitle"),
    breachSummary(view, (metric, level) => `${t(`metric.${metric}`)} ${t(`level.${level}`)}`),
    // A replay never rings or notifies: what it shows is over.
    { sound: preferences.alertSound && replayAt === null, notify: preferences.alertNotify && replayAt === null },
    { amber: t("notification.amber"), red: t("notification.red") },
  );
  const titleOf = (row: HeaderRow) => (row.id === "total" ? t("header.all") : row.id !== "none" ? row.title : lens === "queue" ? t("header.noQueue") : t("header.noProject"));

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
  const linkBadge =
    replayAt === null ? (
      <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${LINK_STYLE[status]}`} data-testid="link-status" data-status={status}>
        {t(`link.${status}`)}
      </span>
    ) : (
      <span className="rounded-full bg-amber-800 px-2.5 py-0.5 text-xs font-semibold text-white" data-testid="link-status" data-status="replay">
        {t("replay.badge")}
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
        titleOf={titleOf}
      />
    );
  }

  const select = "min-w-0 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-3 p-3 sm:p-4" data-level={level}>
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h1 className="text-xl font-bold">{t("title")}</h1>
        {linkBadge}
        <nav className="flex rounded-md border border-slate-300 bg-white p-0.5" aria-label={t("lens.label")}>
          {LENSES.map((item) => (
            <button
              key={item}
              type="button"
              onClick={() => setParam("lens", item)}
              aria-pressed={lens === item}
              className={`rounded px-3 py-1 text-sm ${lens === item ? "bg-slate-900 text-white" : "text-slate-800 hover:bg-slate-100"}`}
            >
              {t(`lens.${item}`)}
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
            {t("nav.wallboard")}
          </button>
          {replayAt === null ? (
            <button type="button" onClick={() => setParam("at", new Date(Date.now() - 5 * 60_000).toISOString())} className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm hover:bg-slate-100">
              {t("nav.lookBack")}
            </button>
          ) : null}
          <a href="/history" className="text-sm text-sky-800 underline">
            {t("nav.history")}
          </a>
          {user.role === "admin" ? (
            <a href="/admin/users" className="text-sm text-sky-800 underline">
              {t("nav.admin")}
            </a>
          ) : null}
          <SignOut user={user} className="" />
        </div>
      </header>
      {badMoment ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="replay-bad-moment">
          {t("replay.badMoment")}
        </p>
      ) : null}
      {replayAt !== null ? (
        <ReplayBar at={replayAt} status={replay.status} timeZone={preferences.timeZone} onMove={(at) => setParam("at", new Date(at).toISOString())} onLive={() => setParam("at", null)} />
      ) : null}
      <section className="grid grid-cols-2 gap-2 rounded-md border border-slate-200 bg-white p-2 sm:flex sm:flex-wrap sm:items-center" aria-label={t("filters.label")}>
        <select aria-label={t("filters.connection")} className={select} value={filters.connection ?? ""} onChange={(e) => setParam("connection", e.target.value || null)}>
          <option value="">{t("filters.allConnections")}</option>
          {state.connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label={t("filters.direction")} className={select} value={filters.direction ?? ""} onChange={(e) => setParam("direction", e.target.value || null)}>
          <option value="">{t("filters.bothDirections")}</option>
          <option value="inbound">{t("filters.inbound")}</option>
          <option value="outbound">{t("filters.outbound")}</option>
          <option value="internal">{t("filters.internal")}</option>
        </select>
        <select aria-label={t("filters.queue")} className={select} value={filters.queue ?? ""} onChange={(e) => setParam("queue", e.target.value || null)}>
          <option value="">{t("filters.allQueues")}</option>
          {[...state.queues.values()].map((q) => (
            <option key={q.id} value={q.id}>
              {q.name}
            </option>
          ))}
        </select>
        <input aria-label={t("filters.agent")} placeholder={t("filters.agentPlaceholder")} className={select} defaultValue={filters.agent} onChange={(e) => setParam("agent", e.target.value || null)} />
      </section>
      {!state.ready ? (
        <p className="text-slate-600">{replayAt === null ? t("connecting") : t("replay.loading")}</p>
      ) : (
        <>
          <QueueHeader rows={view.header} totals={view.totals} lens={lens} serviceLevelSeconds={state.settings.serviceLevelSeconds} titleOf={titleOf} />
          <div className="grid min-w-0 gap-3 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
            <Roster rows={view.roster} names={names} />
            <CallList calls={view.calls} now={now} stuckMs={state.settings.stuckMs} names={names} agentName={agentName} replay={replayAt !== null} />
          </div>
        </>
      )}
    </main>
  );
}

export function LiveBoard({ user }: { user: Viewer }) {
  const t = useTranslations("board");
  return (
    <Suspense fallback={<p className="p-4 text-slate-600">{t("loading")}</p>}>
      <Board user={user} />
    </Suspense>
  );
}
