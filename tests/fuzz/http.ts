/**
 * Sends fuzz requests to a running Callboard and checks what the README promises of every webhook answer: answered
 * (no hang), never a 5xx other than 503, 401/404 only for requests without valid credentials, and a stored Delivery
 * row for every authorized request that was answered (except 503). Shared by the HTTP property test and `npm run fuzz`.
 */
import http from "node:http";
import Database from "better-sqlite3";
import { PROVIDERS, type ProviderId } from "@/server/domain/events";
import { allScenarios } from "@/server/simulator/scenarios";
import { describeRequest, type FuzzRequest } from "./arbitraries";

/** Fixed keys (≥ 16 chars) and the extra credentials VOIPEX (Basic) and Conpeek (header) must send. */
export const FUZZ_KEYS: Record<ProviderId, string> = Object.fromEntries(PROVIDERS.map((p) => [p, `fuzz-${p}-key-0123456789abcdef`])) as Record<ProviderId, string>;
const VOIPEX_USER = "fuzz-voipex";
const VOIPEX_PASSWORD = "fuzz-voipex-password";
const CONPEEK_HEADER = "appHash";
const CONPEEK_VALUE = "fuzz-conpeek-app-hash";

export const FUZZ_ENV: Record<string, string> = {
  ...Object.fromEntries(PROVIDERS.map((p) => [`CALLBOARD_${p.toUpperCase()}_KEY`, FUZZ_KEYS[p]])),
  CALLBOARD_VOIPEX_AUTH: "basic",
  CALLBOARD_VOIPEX_USER: VOIPEX_USER,
  CALLBOARD_VOIPEX_PASSWORD: VOIPEX_PASSWORD,
  CALLBOARD_CONPEEK_HEADER: CONPEEK_HEADER,
  CALLBOARD_CONPEEK_HEADER_VALUE: CONPEEK_VALUE,
};


/**
 * Whether the request carries valid credentials for its provider's URL, so that the README's answers table applies
 * (stored, answered 200/202/400/405/413/415, or 503 when storing failed). Anything else must be 401 or 404, unstored.
 */
export function isAuthorized(r: FuzzRequest): boolean {
  if (r.target !== "valid") return false;
  if (r.provider === "voipex" || r.provider === "conpeek") return r.credentials === "valid";
  return true;
}

/** Percent-encodes what may not appear raw in a request line (non-ASCII, spaces, `#`); lone surrogates become U+FFFD. */
function escapeUrlPart(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) out += byte > 0x20 && byte < 0x7f && byte !== 0x23 ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, "0").toUpperCase()}`;
  return out;
}

export function pathOf(r: FuzzRequest): string {
  const key = FUZZ_KEYS[r.provider];
  const other = FUZZ_KEYS[PROVIDERS[(PROVIDERS.indexOf(r.provider) + 1) % PROVIDERS.length] as ProviderId];
  const base = {
    valid: `/api/webhooks/${r.provider}/${key}${r.suffix}`,
    "wrong-key": `/api/webhooks/${r.provider}/not-a-key-0000000000000000000000${r.suffix}`,
    "other-provider-key": `/api/webhooks/${r.provider}/${other}${r.suffix}`,
    "unknown-provider": `/api/webhooks/nope/${key}${r.suffix}`,
    "missing-key": `/api/webhooks/${r.provider}`,
    "extra-segments": `/api/webhooks/${r.provider}/${key}${r.suffix || "/x"}/y`,
  }[r.target];
  return `${escapeUrlPart(base)}${r.query ? `?${escapeUrlPart(r.query)}` : ""}`;
}

/**
 * Node's HTTP parser refuses a request line and headers over 16 KiB with 431 before Callboard sees it (a 100,000-digit
 * VoipNow query value): no provider sends such URLs, so that refusal (unstored) is accepted.
 */
export function urlTooLong(r: FuzzRequest): boolean {
  return pathOf(r).length + 1024 > 16 * 1024;
}

function headersOf(r: FuzzRequest, bodyLength: number): Record<string, string> {
  const headers: Record<string, string> = { "content-length": String(bodyLength) };
  if (r.contentType !== null) headers["content-type"] = r.contentType;
  const wrong = r.credentials === "wrong";
  if (r.provider === "voipex" && r.credentials !== "missing") {
    headers.authorization = `Basic ${Buffer.from(`${VOIPEX_USER}:${wrong ? "not-the-password" : VOIPEX_PASSWORD}`).toString("base64")}`;
  }
  if (r.provider === "conpeek" && r.credentials !== "missing") headers[CONPEEK_HEADER] = wrong ? "not-the-hash" : CONPEEK_VALUE;
  return headers;
}

export type Outcome =
  | { kind: "answered"; status: number; body: string }
  | { kind: "hang" }
  /** The connection failed before an answer (reset, refused): the request was not answered. */
  | { kind: "unanswered"; error: string };

export function send(baseUrl: string, r: FuzzRequest, timeoutMs: number, agent: http.Agent): Promise<Outcome> {
  const body = r.method === "HEAD" ? Buffer.alloc(0) : typeof r.body === "string" ? Buffer.from(r.body, "utf8") : Buffer.from(r.body);
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = http.request(
      { host: url.hostname, port: url.port, method: r.method, path: pathOf(r), headers: headersOf(r, body.length), agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => finish({ kind: "answered", status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", (error) => finish({ kind: "unanswered", error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ kind: "hang" });
      request.destroy();
    }, timeoutMs);
    request.on("error", (error) => finish({ kind: "unanswered", error: error.message }));
    request.end(body);
  });
}

export interface Failure {
  category: string;
  detail: string;
  request: string;
}

/** Figures of one fuzz run against one server. */
export class Tally {
  sent = 0;
  answered = 0;
  hangs = 0;
  unanswered = 0;
  serverErrors = 0;
  authorized = 0;
  /** Authorized requests answered with anything but 503: each must have left exactly one Delivery row. */
  authorizedAnswered = 0;
  byStatus = new Map<number, number>();
  /** Delivery ids the server named in its answers. */
  deliveryIds = new Set<string>();
  /** Delivery rows found by checkStored. */
  storedRows = 0;
  failures: Failure[] = [];

  record(r: FuzzRequest, outcome: Outcome) {
    this.sent++;
    const authorized = isAuthorized(r);
    if (authorized) this.authorized++;
    const fail = (category: string, detail: string) => this.failures.push({ category, detail, request: describeRequest(r) });
    if (outcome.kind === "hang") {
      this.hangs++;
      return fail(`hang (${r.provider})`, "no answer within the timeout");
    }
    if (outcome.kind === "unanswered") {
      this.unanswered++;
      return fail(`unanswered (${r.provider})`, outcome.error);
    }
    this.answered++;
    const { status, body } = outcome;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (status >= 500 && status !== 503) {
      this.serverErrors++;
      fail(`status ${status} (${r.provider})`, body.slice(0, 200));
    }
    if (status === 431 && urlTooLong(r)) return;
    if (authorized) {
      if (status === 503) return;
      if (status === 401 || status === 404) return fail(`authorized request answered ${status} (not stored)`, body.slice(0, 200));
      if (status >= 500) return;
      this.authorizedAnswered++;
      const id = deliveryIdOf(body);
      if (id) this.deliveryIds.add(id);
      else if (r.method !== "HEAD") fail("answer names no delivery", `${status} ${body.slice(0, 200)}`);
    } else if (status !== 401 && status !== 404) {
      fail(`unauthorized request answered ${status}`, body.slice(0, 200));
    }
  }

  /** Compares the Delivery rows in the database with what was answered. */
  checkStored(dbFile: string): { rows: number; missing: string[] } {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      const rows = (db.prepare(`SELECT count(*) AS n FROM "Delivery"`).get() as { n: number }).n;
      const has = db.prepare(`SELECT 1 FROM "Delivery" WHERE id = ?`);
      this.storedRows = rows;
      const missing = [...this.deliveryIds].filter((id) => !has.get(id));
      if (rows !== this.authorizedAnswered) {
        this.failures.push({ category: "stored rows ≠ authorized requests answered", detail: `${rows} rows, ${this.authorizedAnswered} authorized requests answered (not 503)`, request: "" });
      }
      for (const id of missing.slice(0, 5)) this.failures.push({ category: "acknowledged delivery not stored", detail: id, request: "" });
      return { rows, missing };
    } finally {
      db.close();
    }
  }
}

function deliveryIdOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { delivery?: unknown };
    return typeof parsed.delivery === "string" ? parsed.delivery : undefined;
  } catch {
    return undefined;
  }
}

/** Sends every request with at most `concurrency` in flight, recording each outcome as it arrives. */
export async function sendAll(baseUrl: string, requests: Iterable<FuzzRequest>, options: { concurrency: number; timeoutMs: number; tally: Tally; agent: http.Agent; onOutcome?: (r: FuzzRequest, o: Outcome) => void }) {
  const iterator = requests[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const outcome = await send(baseUrl, next.value, options.timeoutMs, options.agent);
      options.tally.record(next.value, outcome);
      options.onOutcome?.(next.value, outcome);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

/** One ordinary delivery per provider (the first step of its first scenario): each must be accepted. */
export function healthyDeliveries(): FuzzRequest[] {
  const seen = new Set<ProviderId>();
  const out: FuzzRequest[] = [];
  for (const scenario of allScenarios(Date.now() - 60_000)) {
    if (seen.has(scenario.provider)) continue;
    seen.add(scenario.provider);
    const step = scenario.steps[0]!;
    out.push({
      provider: scenario.provider,
      target: "valid",
      credentials: "valid",
      method: step.method,
      suffix: step.suffix,
      query: step.query ?? "",
      contentType: step.contentType ?? null,
      body: step.body ?? "",
      origin: `scenario ${scenario.name}`,
    });
  }
  return out;
}

/** Distinct failures: one line per category, with how often and the first example. */
export function summarize(failures: Failure[]): string[] {
  const groups = new Map<string, Failure[]>();
  for (const failure of failures) groups.set(failure.category, [...(groups.get(failure.category) ?? []), failure]);
  return [...groups.entries()].map(([category, list]) => `${category} ×${list.length}: ${list[0]!.detail}${list[0]!.request ? `\n    e.g. ${list[0]!.request}` : ""}`);
}
