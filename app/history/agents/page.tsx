import { SignOut } from "@/app/lib/sign-out";
import { ScrollRegion } from "@/app/lib/scroll-region";
import Link from "next/link";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { agentLabel } from "@/server/domain/names";
import { dayKey } from "@/server/domain/time-zone";
import { dayWindows, TEAM_MAX_DAYS } from "@/server/history/agent-day";
import { CalendarDay } from "@/server/history/filters";
import { getRuntime } from "@/server/runtime";
import { namesOf } from "../names";
import { duration } from "./duration";

export const dynamic = "force-dynamic";

/**
 * Every agent the viewer may see over a range of their calendar days (default: the last 7): time logged in, paused,
 * on calls and idle, occupancy, answered, missed and handle time, each agent opening to their day; as CSV too.
 */
export default async function TeamPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const timeZone = await getTimeZone();
  const today = dayKey(Date.now(), timeZone);
  const weekAgo = dayKey(Date.now() - 6 * 86_400_000, timeZone);
  const asked = { from: CalendarDay.safeParse(raw.from), to: CalendarDay.safeParse(raw.to) };
  let to = asked.to.success ? asked.to.data : today;
  let from = asked.from.success ? asked.from.data : weekAgo;
  if (from > to) [from, to] = [to, from];
  const { windows: shown, clipped } = dayWindows(from, to, timeZone);
  from = shown[0]!.day;
  const user = await requireRole(`/history/agents?from=${from}&to=${to}`, EVERY_ROLE);
  const t = await getTranslations("agentDay");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const format = await getFormatter();
  const names = namesOf(runtime, user);
  const rows = await runtime.history.team(user, shown, Date.now());
  const percent = (value: number | null) => (value === null ? "–" : format.number(value, "percent"));
  const heads = [t("agent"), t("loggedIn"), t("paused"), t("ring"), t("talk"), t("hold"), t("idle"), t("occupancy"), t("answered"), t("missed"), t("aht")];
  const query = new URLSearchParams({ from, to, tz: timeZone });

  return (
    <main className="mx-auto max-w-7xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <Link href="/history" className="text-sky-700 underline">{t("history")}</Link>
        <Link href="/history/figures" className="text-sky-700 underline">{t("figures")}</Link>
        {user.role !== "agent" ? <Link href={`/history/reports?from=${from}&to=${to}&interval=day`} className="text-sky-700 underline" data-testid="reports-link">{t("reports")}</Link> : null}
        <h1 className="text-xl">{t("teamTitle")}</h1>
        <SignOut user={user} />
      </header>
      <form method="get" className="mb-3 flex flex-wrap items-end gap-2 text-sm" aria-label={t("range")}>
        <label className="text-xs font-medium">{t("from")}<input type="date" name="from" defaultValue={from} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" /></label>
        <label className="text-xs font-medium">{t("to")}<input type="date" name="to" defaultValue={to} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" /></label>
        <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 font-semibold text-white">{t("show")}</button>
        <a href={`/api/agents/export?${query}`} className="rounded-md border border-slate-300 px-3 py-1.5" data-testid="team-csv">{t("csv")}</a>
        <span className="text-xs text-slate-500" data-testid="times-in">{t("timesIn", { zone: timeZone })}</span>
      </form>
      {clipped && <p className="mb-3 text-sm text-amber-800" data-testid="range-clipped">{t("rangeClipped", { days: TEAM_MAX_DAYS })}</p>}
      <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-3" aria-label={t("teamTitle")}>
        {rows.length === 0 ? (
          <p className="text-sm text-slate-500">{t("noAgents")}</p>
        ) : (
          <ScrollRegion label={t("teamTitle")}>
            <table className="w-full whitespace-nowrap text-sm [&_td+td]:pl-3 [&_th+th]:pl-3" data-testid="team-table">
              <thead>
                <tr className="border-b border-slate-300 text-slate-500">
                  {heads.map((head, i) => <th key={head} className={i === 0 ? "py-1 text-left" : "text-right"}>{head}</th>)}
                </tr>
              </thead>
              <tbody>
                {rows.map(({ agent, totals }) => (
                  <tr key={agent.id} className="border-b border-slate-200" data-agent={agent.id}>
                    <td className="py-1"><Link href={`/history/agents/${encodeURIComponent(agent.id)}?day=${to}`} className="text-sky-700 underline">{names.agent(agent.id) || agentLabel(agent)}</Link></td>
                    <td className="text-right tabular-nums">{duration(totals.loggedInSeconds)}</td>
                    <td className="text-right tabular-nums">{duration(Object.values(totals.pausedSeconds).reduce((a, b) => a + b, 0))}</td>
                    <td className="text-right tabular-nums">{duration(totals.ringSeconds)}</td>
                    <td className="text-right tabular-nums">{duration(totals.talkSeconds)}</td>
                    <td className="text-right tabular-nums">{duration(totals.holdSeconds)}</td>
                    <td className="text-right tabular-nums">{duration(totals.idleSeconds)}</td>
                    <td className="text-right tabular-nums">{percent(totals.occupancy)}</td>
                    <td className="text-right tabular-nums">{format.number(totals.answered)}</td>
                    <td className="text-right tabular-nums">{format.number(totals.missed)}</td>
                    <td className="text-right tabular-nums">{totals.averageHandleSeconds === null ? "–" : duration(totals.averageHandleSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
        <p className="mt-2 text-xs text-slate-500">{t("definitions")}</p>
      </section>
    </main>
  );
}
