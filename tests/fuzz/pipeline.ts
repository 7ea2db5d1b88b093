/**
 * The pure part of ingest, run on one fuzz request exactly as the ingestor does (body limit → method → parse →
 * normalize → apply to the live state), reporting every broken guarantee as a problem string instead of stopping.
 */
import { CanonicalEvent, type ProviderId } from "@/server/domain/events";
import type { Agent, Call } from "@/server/domain/model";
import { parseFields } from "@/server/ingest/parse-request";
import type { LiveState } from "@/server/live/live-state";
import { providerAdapter } from "@/server/providers";
import type { FuzzRequest } from "./arbitraries";

export const BODY_LIMIT = 256 * 1024;
/** Earliest sane event time: nothing a provider sends today is older. */
export const EARLIEST = Date.UTC(2000, 0, 1);
/** Provider clocks may run ahead, but not by more than a day. */
export const AHEAD_MS = 24 * 3600_000;
/** No call, wait or talk lasts longer than this; a bigger figure is a parsing accident (e.g. "1e300" seconds). */
export const MAX_DURATION_SECONDS = 31 * 24 * 3600;

export interface PipelineResult {
  /** What the ingestor would answer (before storing), or "threw". */
  stage: "rejected" | "invalid" | "ignored" | "events" | "threw";
  events: number;
  problems: string[];
}

/** The path segment after the key, as the fast path decodes it. */
export function urlEventOf(suffix: string): string | undefined {
  if (!suffix) return undefined;
  const part = suffix.slice(1);
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The body as the server reads it: at most the limit, decoded as UTF-8. */
export function bodyAsReceived(body: string | Uint8Array): { text: string; tooLarge: boolean } {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  return { text: bytes.subarray(0, BODY_LIMIT).toString("utf8"), tooLarge: bytes.length > BODY_LIMIT };
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : String(error));

export function runPipeline(live: LiveState, connection: { id: string; provider: ProviderId }, request: FuzzRequest, receivedAt: number): PipelineResult {
  const adapter = providerAdapter(connection.provider);
  const body = bodyAsReceived(request.body);
  if (body.tooLarge || !(adapter.methods as readonly string[]).includes(request.method)) return { stage: "rejected", events: 0, problems: [] };
  let fields: Record<string, unknown>;
  try {
    const parsed = parseFields(request.method, request.contentType, request.query, body.text);
    if (!parsed.ok) return { stage: parsed.status === 415 ? "rejected" : "invalid", events: 0, problems: [] };
    fields = parsed.fields;
  } catch (error) {
    return { stage: "threw", events: 0, problems: [`parseFields threw ${describe(error)}`] };
  }
  let result: ReturnType<typeof adapter.normalize>;
  try {
    result = adapter.normalize({ fields, receivedAt, urlEvent: urlEventOf(request.suffix), options: {} });
  } catch (error) {
    return { stage: "threw", events: 0, problems: [`${connection.provider} normalize threw ${describe(error)}`] };
  }
  if (result.outcome !== "events") return { stage: result.outcome === "invalid" ? "invalid" : "ignored", events: 0, problems: [] };

  const problems = result.events.flatMap((event) => eventProblems(event, receivedAt));
  if (problems.length > 0) return { stage: "events", events: result.events.length, problems };
  try {
    const changes = live.apply(connection, "delivery", result.events);
    for (const call of changes.calls.values()) problems.push(...callProblems(call));
    for (const agent of changes.agents.values()) problems.push(...agentProblems(agent));
  } catch (error) {
    problems.push(`reducer threw ${describe(error)}`);
  }
  return { stage: "events", events: result.events.length, problems };
}

/** A normalizer's output: valid against the zod schema, times in the window, durations bounded, storable. */
export function eventProblems(event: CanonicalEvent, receivedAt: number): string[] {
  const problems: string[] = [];
  const parsed = CanonicalEvent.safeParse(event);
  if (!parsed.success) problems.push(`${event.kind} fails CanonicalEvent: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  const times: [string, number | undefined][] = [["at", event.at]];
  if (event.kind === "call.summary") times.push(["startedAt", event.startedAt], ["answeredAt", event.answeredAt], ["endedAt", event.endedAt]);
  for (const [name, value] of times) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < EARLIEST || value > receivedAt + AHEAD_MS) {
      problems.push(`${event.kind} ${name} out of window: ${value} (${safeIso(value)})`);
    }
  }
  if (event.kind === "call.summary") {
    for (const [name, value] of [["waitSeconds", event.waitSeconds], ["talkSeconds", event.talkSeconds]] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= MAX_DURATION_SECONDS)) {
        problems.push(`${event.kind} ${name} unbounded: ${value}`);
      }
    }
  }
  try {
    JSON.stringify(event);
  } catch (error) {
    problems.push(`${event.kind} cannot be stored as JSON: ${describe(error)}`);
  }
  return problems;
}

function safeIso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "invalid date" : date.toISOString();
}

const finite = (v: number | null) => v === null || Number.isFinite(v);

/** Times a reducer produced: finite, and started ≤ answered ≤ ended wherever they are set. */
function orderProblems(what: string, t: { startedAt: number; answeredAt: number | null; endedAt: number | null }): string[] {
  const problems: string[] = [];
  if (!finite(t.startedAt) || !finite(t.answeredAt) || !finite(t.endedAt)) problems.push(`${what} has a non-finite time ${JSON.stringify(t)}`);
  if (t.answeredAt !== null && t.answeredAt < t.startedAt) problems.push(`${what} answered before it started (${t.startedAt} > ${t.answeredAt})`);
  if (t.endedAt !== null && t.endedAt < t.startedAt) problems.push(`${what} ended before it started (${t.startedAt} > ${t.endedAt})`);
  if (t.answeredAt !== null && t.endedAt !== null && t.endedAt < t.answeredAt) problems.push(`${what} ended before it was answered (${t.answeredAt} > ${t.endedAt})`);
  return problems;
}

export function callProblems(call: Call): string[] {
  const times = { startedAt: call.startedAt, answeredAt: call.answeredAt, endedAt: call.endedAt };
  const problems = orderProblems(`call ${call.key}`, times);
  for (const leg of call.legs) problems.push(...orderProblems(`leg ${leg.key} of call ${call.key}`, { startedAt: leg.startedAt, answeredAt: leg.answeredAt, endedAt: leg.endedAt }));
  for (const [name, value] of [["waitSeconds", call.waitSeconds], ["talkSeconds", call.talkSeconds]] as const) {
    // Derived figures only need to be finite and non-negative: the bound applies to what providers report (events).
    if (value !== null && !(Number.isFinite(value) && value >= 0)) problems.push(`call ${call.key} ${name} not a finite non-negative number: ${value}`);
  }
  if (!Number.isFinite(call.updatedAt)) problems.push(`call ${call.key} updatedAt not finite: ${call.updatedAt}`);
  return problems;
}

function agentProblems(agent: Agent): string[] {
  return Number.isFinite(agent.presenceSince) ? [] : [`agent ${agent.externalId} presenceSince not finite: ${agent.presenceSince}`];
}
