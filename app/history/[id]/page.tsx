import { SignOut } from "@/app/lib/sign-out";
import { ScrollRegion } from "@/app/lib/scroll-region";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTimeZone, getTranslations } from "next-intl/server";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { rowStatus } from "@/server/domain/figures";
import { dayKey } from "@/server/domain/time-zone";
import { getRuntime } from "@/server/runtime";
import { namesOf } from "../names";

export const dynamic = "force-dynamic";

/** Back to the history list with the filters it was opened from (rebuilt as a query string: never another URL). */
function backToHistory(back: string | string[] | undefined): string {
  const query = new URLSearchParams(typeof back === "string" ? back : "").toString();
  return query ? `/history?${query}` : "/history";
}

/** A raw body as received, indented when it is JSON (the text itself is shown when it is not, or does not parse). */
function readable(body: string): string {
  const trimmed = body.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return body;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return body;
  }
}

/** One past call: parties, people, times, legs, and every event with the raw delivery it came from (shown as text). */
export default async function CallPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const user = await requireRole(`/history/${id}`, EVERY_ROLE);
  const t = await getTranslations("callPage");
  const tc = await getTranslations("call");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const call = await runtime.history.detail(user, id);
  if (!call) notFound();
  const format = await getFormatter();
  const timeZone = await getTimeZone();
  const time = (iso: string | null) => (iso ? format.dateTime(new Date(iso), "time") : "–");
  const secs = (s: number | null) => (s === null ? "–" : t("seconds", { seconds: s }));
  const names = namesOf(runtime, user);
  const status = rowStatus(call.state, call.outcome, call.endReason);
  const facts: [string, string, string?][] = [
    [t("direction"), tc(`direction.${call.direction}`)],
    [t("from"), call.from ?? "–"],
    [t("to"), call.to ?? "–"],
    [t("agent"), names.agent(call.agentId) || "–"],
    [t("queue"), names.queue(call.queueId) || "–"],
    [t("project"), names.project(call.projectId) || "–"],
    [t("connection"), names.connection(call.connectionId)],
    [t("started"), time(call.startedAt), "started"],
    [t("answered"), time(call.answeredAt), "answered"],
    [t("ended"), time(call.endedAt), "ended"],
    [t("outcome"), status.kind === "outcome" ? tc(`outcome.${status.id}`) : tc(`state.${status.id}`)],
    [t("wait"), secs(call.waitSeconds)],
    [t("talk"), secs(call.talkSeconds)],
    [t("recording"), call.recording ?? "–"],
  ];
  return (
    <main className="mx-auto max-w-5xl p-4">
      <header className="mb-4 flex flex-wrap items-center gap-4">
        <Link href={backToHistory((await searchParams).back)} className="text-sky-700 underline">{t("back")}</Link>
        <h1 className="text-xl font-bold">{t("title", { from: call.from ?? "", to: call.to ?? "" })}</h1>
        {user.role !== "agent" ? (
          // The time machine: the board a second into the call (the moment it rang).
          <Link href={`/?at=${encodeURIComponent(new Date(Date.parse(call.startedAt) + 1000).toISOString())}`} className="text-sky-700 underline" data-testid="board-then-link">
            {t("boardThen")}
          </Link>
        ) : null}
        <SignOut user={user} />
      </header>
      <p className="mb-2 text-xs text-slate-500" data-testid="times-in">
        {t("timesIn", { zone: timeZone })} · <Link href="/settings" className="text-sky-700 underline">{t("changeZone")}</Link>
      </p>
      <dl className="mb-6 grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-4" data-testid="call-facts">
        {facts.map(([label, value, testId]) => (
          <div key={label}>
            <dt className="text-slate-500">{label}</dt>
            <dd className="break-all font-medium" data-testid={testId ? `fact-${testId}` : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      {call.agentId && names.agent(call.agentId) && (
        <p className="-mt-4 mb-6 text-sm">
          <Link href={`/history/agents/${encodeURIComponent(call.agentId)}?day=${dayKey(Date.parse(call.startedAt), timeZone)}`} className="text-sky-700 underline" data-testid="agent-day-link">
            {t("agentDay", { name: names.agent(call.agentId) })}
          </Link>
        </p>
      )}
      <h2 className="mb-2 font-semibold">{t("legs")}</h2>
      <ScrollRegion label={t("legs")} className="mb-6">
      <table className="w-full text-sm">
        <thead>
          <tr className="border-b border-slate-300 text-left text-slate-500">
            <th className="py-1">{t("leg")}</th><th>{t("role")}</th><th>{t("agent")}</th><th>{t("number")}</th><th>{t("answered")}</th><th>{t("ended")}</th><th>{t("outcome")}</th>
          </tr>
        </thead>
        <tbody>
          {call.legs.map((leg) => (
            <tr key={leg.key} className="border-b border-slate-200">
              <td className="py-1 font-mono text-xs">{leg.key}</td>
              <td>{tc.has(`legRole.${leg.role}`) ? tc(`legRole.${leg.role}`) : leg.role}</td>
              <td>{names.agent(leg.agentId)}</td>
              <td>{leg.number}</td>
              <td>{time(leg.answeredAt)}</td>
              <td>{time(leg.endedAt)}</td>
              <td>{leg.endReason ? (tc.has(`endReason.${leg.endReason}`) ? tc(`endReason.${leg.endReason}`) : leg.endReason) : tc.has(`state.${leg.state}`) ? tc(`state.${leg.state}`) : leg.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </ScrollRegion>
      <h2 className="mb-2 font-semibold">{t("timeline")}</h2>
      <ol className="flex flex-col gap-2" data-testid="timeline">
        {call.timeline.map((entry) => (
          <li key={entry.id} className="rounded-md border border-slate-200 bg-white p-3 text-sm" data-testid="timeline-entry">
            <div className="flex flex-wrap items-baseline gap-2">
              <span className="font-semibold" title={entry.kind} data-kind={entry.kind}>{tc.has(`event.${entry.kind}`) ? tc(`event.${entry.kind}`) : entry.kind}</span>
              <span className="text-slate-600">{time(entry.at)}</span>
              <span className="text-xs text-slate-600">({entry.timeSource === "provider" ? t("providerTime") : t("receiveTime")})</span>
            </div>
            {entry.delivery ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-sky-700">
                  {t("rawDelivery", { method: entry.delivery.method, contentType: entry.delivery.contentType ?? "", time: time(entry.delivery.receivedAt) })}
                </summary>
                {/* A payload is data: React renders it as text, never as markup. */}
                <pre tabIndex={0} className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs" data-testid="raw-delivery">
                  {entry.delivery.query ? `?${entry.delivery.query}\n` : ""}
                  {readable(entry.delivery.bodyText)}
                </pre>
              </details>
            ) : (
              <p className="mt-1 text-xs text-slate-500">{t("pruned")}</p>
            )}
          </li>
        ))}
      </ol>
    </main>
  );
}
