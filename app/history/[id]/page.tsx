import { SignOut } from "@/app/lib/sign-out";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { rowLabel } from "@/server/domain/figures";
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

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "medium" }) : "–");

/** One past call: parties, people, times, legs, and every event with the raw delivery it came from (shown as text). */
export default async function CallPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const user = await requireRole(`/history/${id}`, EVERY_ROLE);
  const runtime = getRuntime();
  if (!runtime) return <p>Callboard is starting.</p>;
  const call = await runtime.history.detail(user, id);
  if (!call) notFound();
  const names = namesOf(runtime, user);
  const facts: [string, string][] = [
    ["Direction", call.direction],
    ["From", call.from ?? "–"],
    ["To", call.to ?? "–"],
    ["Agent", names.agent(call.agentId) || "–"],
    ["Queue", names.queue(call.queueId) || "–"],
    ["Project", names.project(call.projectId) || "–"],
    ["Connection", names.connection(call.connectionId)],
    ["Started", time(call.startedAt)],
    ["Answered", time(call.answeredAt)],
    ["Ended", time(call.endedAt)],
    ["Outcome", rowLabel(call.state, call.outcome, call.endReason)],
    ["Wait", call.waitSeconds === null ? "–" : `${call.waitSeconds} s`],
    ["Talk", call.talkSeconds === null ? "–" : `${call.talkSeconds} s`],
    ["Recording", call.recording ?? "–"],
  ];
  return (
    <main className="mx-auto max-w-5xl p-4">
      <header className="mb-4 flex items-center gap-4">
        <Link href={backToHistory((await searchParams).back)} className="text-sky-700 underline">← History</Link>
        <h1 className="text-xl font-bold">Call {call.from ?? ""} → {call.to ?? ""}</h1>
        <SignOut user={user} />
      </header>
      <dl className="mb-6 grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-4" data-testid="call-facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt className="text-slate-500">{label}</dt>
            <dd className="break-all font-medium">{value}</dd>
          </div>
        ))}
      </dl>
      <h2 className="mb-2 font-semibold">Legs</h2>
      <table className="mb-6 w-full text-sm">
        <thead>
          <tr className="border-b border-slate-300 text-left text-slate-500"><th className="py-1">Leg</th><th>Role</th><th>Agent</th><th>Number</th><th>Answered</th><th>Ended</th><th>Outcome</th></tr>
        </thead>
        <tbody>
          {call.legs.map((leg) => (
            <tr key={leg.key} className="border-b border-slate-200">
              <td className="py-1 font-mono text-xs">{leg.key}</td>
              <td>{leg.role}</td>
              <td>{names.agent(leg.agentId)}</td>
              <td>{leg.number}</td>
              <td>{time(leg.answeredAt)}</td>
              <td>{time(leg.endedAt)}</td>
              <td>{(leg.endReason ?? leg.state).replaceAll("_", " ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 className="mb-2 font-semibold">Timeline</h2>
      <ol className="flex flex-col gap-2" data-testid="timeline">
        {call.timeline.map((entry) => (
          <li key={entry.id} className="rounded-md border border-slate-200 bg-white p-3 text-sm" data-testid="timeline-entry">
            <div className="flex flex-wrap items-baseline gap-2">
              <span className="font-semibold">{entry.kind}</span>
              <span className="text-slate-600">{time(entry.at)}</span>
              <span className="text-xs text-slate-400">({entry.timeSource === "provider" ? "provider time" : "receive time"})</span>
            </div>
            {entry.delivery ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-sky-700">
                  Raw delivery: {entry.delivery.method} {entry.delivery.contentType ?? ""} received {time(entry.delivery.receivedAt)}
                </summary>
                {/* A payload is data: React renders it as text, never as markup. */}
                <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs" data-testid="raw-delivery">
                  {entry.delivery.query ? `?${entry.delivery.query}\n` : ""}
                  {readable(entry.delivery.bodyText)}
                </pre>
              </details>
            ) : (
              <p className="mt-1 text-xs text-slate-500">Raw delivery pruned (older than the retention period).</p>
            )}
          </li>
        ))}
      </ol>
    </main>
  );
}
