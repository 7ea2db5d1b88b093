import { SignOut } from "@/app/lib/sign-out";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import type { AgentDay, CallPhase, CallSegment, PresenceSegment } from "@/server/domain/agent-day";
import { agentLabel } from "@/server/domain/names";
import { dayKey, startOfNextZonedDay, startOfZonedDay } from "@/server/domain/time-zone";
import { CalendarDay } from "@/server/history/filters";
import { getRuntime } from "@/server/runtime";
import { namesOf } from "../../names";
import { duration } from "../duration";

export const dynamic = "force-dynamic";

/** The day before or after `day` (calendar arithmetic, no zone needed). */
function shiftDay(day: string, by: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + by)).toISOString().slice(0, 10);
}

const PRESENCE_STYLE: Record<PresenceSegment["presence"], string> = {
  available: "bg-emerald-500",
  paused: "bg-amber-400",
  logged_out: "bg-slate-200",
};
const PHASE_STYLE: Record<CallPhase, string> = {
  ringing: "bg-sky-400",
  talking: "bg-indigo-600",
  on_hold: "bg-fuchsia-600",
};

/** One lane of the timeline: each segment placed by its share of the day; what is still to come of today hatched. */
function Lane({ label, segments, from, span, now, testId }: { label: string; segments: { key: string; from: number; to: number; className: string; title: string }[]; from: number; span: number; now: number; testId: string }) {
  const nowShare = (now - from) / span;
  return (
    <div className="flex items-center gap-2">
      <div className="w-20 shrink-0 text-xs font-medium text-slate-600 sm:w-24">{label}</div>
      <div className="relative h-6 flex-1 overflow-hidden rounded bg-slate-100" data-testid={testId}>
        {segments.map((s) => (
          <div
            key={s.key}
            className={`absolute inset-y-0 ${s.className}`}
            style={{ left: `${((s.from - from) / span) * 100}%`, width: `max(1px, ${((s.to - s.from) / span) * 100}%)` }}
            title={s.title}
          />
        ))}
        {nowShare > 0 && nowShare < 1 && (
          <div
            className="absolute inset-y-0 right-0 border-l-2 border-rose-500 bg-[repeating-linear-gradient(135deg,transparent_0_4px,rgba(148,163,184,0.35)_4px_8px)]"
            style={{ left: `${nowShare * 100}%` }}
            data-testid="still-to-come"
          />
        )}
      </div>
    </div>
  );
}

/**
 * One agent's day (issue 12): presence and calls on a timeline over the viewer's calendar day, the totals a centre
 * reports, and each segment listed. Who may open it is decided where the data is read (HistoryService.agentDay).
 */
export default async function AgentDayPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const raw = await searchParams;
  const timeZone = await getTimeZone();
  const today = dayKey(Date.now(), timeZone);
  // Not a real day (31 February, the year 1066): today.
  const asked = CalendarDay.safeParse(raw.day);
  const day = asked.success ? asked.data : today;
  const user = await requireRole(`/history/agents/${encodeURIComponent(id)}?day=${day}`, EVERY_ROLE);
  const t = await getTranslations("agentDay");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const now = Date.now();
  const found = await runtime.history.agentDay(user, id, day, timeZone, now);
  if (!found) notFound();
  const format = await getFormatter();
  const names = namesOf(runtime, user);
  const name = names.agent(id) || agentLabel(found.agent);
  const { presence, calls, totals }: AgentDay = found.day;
  const from = startOfZonedDay(day, timeZone);
  const span = startOfNextZonedDay(day, timeZone) - from;
  const time = (at: number) => format.dateTime(new Date(at), "clock");
  const segmentTitle = (what: string, s: { from: number; to: number }) => t("segmentTitle", { what, from: time(s.from), to: time(s.to), duration: duration((s.to - s.from) / 1000) });
  const presenceName = (s: PresenceSegment) => (s.presence === "paused" ? `${t("presence.paused")}: ${s.reason || t("noReason")}` : t(`presence.${s.presence}`));
  const stillGoing = (s: { to: number }) => s.to >= Math.min(now, from + span) && now < from + span;
  const percent = (value: number | null) => (value === null ? "–" : format.number(value, "percent"));

  const tiles: [string, string, string][] = [
    ["loggedIn", t("loggedIn"), duration(totals.loggedInSeconds)],
    ["available", t("available"), duration(totals.availableSeconds)],
    ["paused", t("paused"), duration(Object.values(totals.pausedSeconds).reduce((a, b) => a + b, 0))],
    ["ring", t("ring"), duration(totals.ringSeconds)],
    ["talk", t("talk"), duration(totals.talkSeconds)],
    ["hold", t("hold"), duration(totals.holdSeconds)],
    ["idle", t("idle"), duration(totals.idleSeconds)],
    ["occupancy", t("occupancy"), percent(totals.occupancy)],
    ["answered", t("answered"), format.number(totals.answered)],
    ["missed", t("missed"), format.number(totals.missed)],
    ["aht", t("aht"), totals.averageHandleSeconds === null ? "–" : duration(totals.averageHandleSeconds)],
  ];
  const pauses = Object.entries(totals.pausedSeconds).sort((a, b) => b[1] - a[1]);
  const hours = [0, 3, 6, 9, 12, 15, 18, 21];
  const link = (d: string) => `/history/agents/${encodeURIComponent(id)}?day=${d}`;

  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <Link href="/history" className="text-sky-700 underline">{t("history")}</Link>
        <Link href="/history/figures" className="text-sky-700 underline">{t("figures")}</Link>
        <h1 className="text-xl" data-testid="agent-day-title">{t("title", { name })}</h1>
        <SignOut user={user} />
      </header>
      <nav className="mb-3 flex flex-wrap items-end gap-2 text-sm" aria-label={t("day")}>
        <Link href={link(shiftDay(day, -1))} className="rounded-md border border-slate-300 px-3 py-1.5" data-testid="previous-day">← {t("previous")}</Link>
        <form method="get" className="flex items-end gap-2">
          <label className="text-xs font-medium">{t("day")}<input type="date" name="day" defaultValue={day} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" /></label>
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 font-semibold text-white">{t("show")}</button>
        </form>
        {day < today && <Link href={link(shiftDay(day, 1))} className="rounded-md border border-slate-300 px-3 py-1.5" data-testid="next-day">{t("next")} →</Link>}
        <span className="text-xs text-slate-500" data-testid="times-in">{t("timesIn", { zone: timeZone })}</span>
      </nav>

      <section className="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-6 xl:grid-cols-11" aria-label={t("totals")} data-testid="agent-day-totals">
        {tiles.map(([key, label, value]) => (
          <div key={key} className="rounded-md border border-slate-200 bg-white px-3 py-2" data-tile={key}>
            <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
            <div className="text-xl font-bold tabular-nums">{value}</div>
          </div>
        ))}
      </section>
      {pauses.length > 0 && (
        <p className="mb-4 text-sm text-slate-700" data-testid="pause-reasons">
          {t("paused")}: {pauses.map(([reason, seconds]) => `${reason || t("noReason")} ${duration(seconds)}`).join(" · ")}
        </p>
      )}

      <section className="mb-4 rounded-lg border border-slate-200 bg-white p-3" aria-label={t("timeline")}>
        <h2 className="mb-2 font-semibold">{t("timeline")}</h2>
        <div className="space-y-2">
          <Lane label={t("presenceLane")} testId="presence-lane" from={from} span={span} now={now} segments={presence.map((s, i) => ({ key: `p${i}`, from: s.from, to: s.to, className: PRESENCE_STYLE[s.presence], title: segmentTitle(presenceName(s), s) }))} />
          <Lane label={t("callsLane")} testId="calls-lane" from={from} span={span} now={now} segments={calls.map((s, i) => ({ key: `c${i}`, from: s.from, to: s.to, className: PHASE_STYLE[s.phase], title: segmentTitle(t(`phase.${s.phase}`), s) }))} />
          <div className="flex gap-2">
            <div className="w-20 shrink-0 sm:w-24" />
            <div className="relative h-4 flex-1 text-[10px] text-slate-500" aria-hidden>
              {hours.map((h) => (
                <span key={h} className={`absolute -translate-x-1/2 ${h % 6 === 0 ? "" : "hidden sm:inline"}`} style={{ left: `${(h / 24) * 100}%` }}>{h === 0 ? "" : `${h}:00`}</span>
              ))}
            </div>
          </div>
        </div>
        <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
          {(["available", "paused", "logged_out"] as const).map((p) => <li key={p} className="flex items-center gap-1"><span className={`inline-block h-3 w-3 rounded-sm ${PRESENCE_STYLE[p]}`} />{t(`presence.${p}`)}</li>)}
          {(["ringing", "talking", "on_hold"] as const).map((p) => <li key={p} className="flex items-center gap-1"><span className={`inline-block h-3 w-3 rounded-sm ${PHASE_STYLE[p]}`} />{t(`phase.${p}`)}</li>)}
        </ul>
        <p className="mt-2 text-xs text-slate-500">{t("definitions")}</p>
      </section>

      <div className="grid min-w-0 gap-4 lg:grid-cols-2">
        <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-3" aria-label={t("presenceList")}>
          <h2 className="mb-2 font-semibold">{t("presenceList")}</h2>
          {presence.every((s) => s.presence === "logged_out") && <p className="mb-2 text-sm text-slate-500">{t("noPresence")}</p>}
          <table className="w-full text-sm" data-testid="presence-list">
            <thead>
              <tr className="border-b border-slate-300 text-left text-slate-500"><th className="py-1">{t("from")}</th><th>{t("to")}</th><th>{t("state")}</th><th className="text-right">{t("duration")}</th></tr>
            </thead>
            <tbody>
              {presence.map((s, i) => (
                <tr key={i} className="border-b border-slate-100">
                  <td className="py-1 tabular-nums">{time(s.from)}</td>
                  <td className="tabular-nums">{stillGoing(s) ? t("still") : time(s.to)}</td>
                  <td>{presenceName(s)}</td>
                  <td className="text-right tabular-nums">{duration((s.to - s.from) / 1000)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-3" aria-label={t("callList")}>
          <h2 className="mb-2 font-semibold">{t("callList")}</h2>
          {calls.length === 0 ? (
            <p className="text-sm text-slate-500">{t("noCalls")}</p>
          ) : (
            <table className="w-full text-sm" data-testid="call-list">
              <thead>
                <tr className="border-b border-slate-300 text-left text-slate-500"><th className="py-1">{t("from")}</th><th>{t("to")}</th><th>{t("state")}</th><th className="text-right">{t("duration")}</th><th className="text-right">{t("call")}</th></tr>
              </thead>
              <tbody>
                {calls.map((s: CallSegment, i) => (
                  <tr key={i} className="border-b border-slate-100">
                    <td className="py-1 tabular-nums">{time(s.from)}</td>
                    <td className="tabular-nums">{time(s.to)}</td>
                    <td><span className={`mr-1 inline-block h-2.5 w-2.5 rounded-sm ${PHASE_STYLE[s.phase]}`} />{t(`phase.${s.phase}`)}</td>
                    <td className="text-right tabular-nums">{duration((s.to - s.from) / 1000)}</td>
                    <td className="text-right"><Link href={`/history/${encodeURIComponent(s.callId)}`} className="text-sky-700 underline">{t("openCall")}</Link></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </main>
  );
}
