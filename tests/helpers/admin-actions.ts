import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiTokens } from "@/server/auth/api-tokens";
import { Users } from "@/server/auth/users";
import type { Db } from "@/server/db/client";

/**
 * Every server action of the admin pages, with a form that makes it change something and how to see that it did.
 * Shared by the HTTP matrix (tests/integration/authz-matrix.test.ts) and the direct calls
 * (tests/integration/admin-actions.test.ts); both fail when an action has no entry here.
 */
/** What the admin tables hold, in the columns an action can change. */
export async function fingerprint(db: Db) {
  const [users, links, connections, tokens, agents, queues, projects, thresholds, alertWebhooks] = await Promise.all([
    db.user.findMany({
      select: { id: true, email: true, name: true, role: true, passwordHash: true, queueIds: true, projectIds: true, locale: true, timeZone: true, theme: true, alertSound: true, alertNotify: true },
      orderBy: { id: "asc" },
    }),
    db.userAgent.findMany({ orderBy: [{ userId: "asc" }, { agentId: "asc" }] }),
    db.connection.findMany({ select: { id: true, name: true, key: true, authType: true, authUser: true, authSecret: true, authHeader: true, keyMap: true }, orderBy: { id: "asc" } }),
    db.apiToken.findMany({ select: { id: true, name: true, tokenHash: true, revokedAt: true }, orderBy: { id: "asc" } }),
    db.agent.findMany({ select: { id: true, displayName: true }, orderBy: { id: "asc" } }),
    db.queue.findMany({ select: { id: true, displayName: true }, orderBy: { id: "asc" } }),
    db.project.findMany({ select: { id: true, displayName: true }, orderBy: { id: "asc" } }),
    db.threshold.findMany({ select: { groupId: true, metric: true, amber: true, amberOff: true, red: true, redOff: true }, orderBy: [{ groupId: "asc" }, { metric: "asc" }] }),
    db.alertWebhook.findMany({ select: { groupId: true, url: true, secret: true, lastStatus: true, lastAt: true, lastDetail: true }, orderBy: { groupId: "asc" } }),
  ]);
  return { users, links, connections, tokens, agents, queues, projects, thresholds, alertWebhooks };
}
export type Fingerprint = Awaited<ReturnType<typeof fingerprint>>;

/** A local HTTP receiver for alert webhooks (the servers under test allow local targets): answers 200 to everything. */
let receiver: Promise<string> | undefined;
function receiverUrl(): Promise<string> {
  receiver ??= new Promise((resolve) => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200).end());
    });
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`));
    server.unref();
  });
  return receiver;
}

/** Fresh things for the actions to act on, so each run starts from a state in which the action would change something. */
export async function actionTargets(db: Db) {
  const stamp = Math.random().toString(36).slice(2, 8);
  const victim = await new Users(db).create({ email: `victim-${stamp}@example.com`, name: "Victim", password: "victim-password-1", role: "agent" });
  const admin = (await db.user.findFirst({ where: { role: "admin" } }))!;
  const { info } = await new ApiTokens(db).create(`victim token ${stamp}`, admin.id);
  const connection = (await db.connection.findFirst({ where: { provider: "telecmi" } }))!;
  // An agent identity as a provider would have reported it (the rename action names it).
  const agentId = `agent-${stamp}`;
  await db.agent.create({ data: { id: agentId, connectionId: connection.id, externalId: `${stamp}_1234567`, presence: "available", presenceSince: new Date(), version: 1 } });
  // The centre's default alert webhook, pointing to a receiver that answers 200, with no delivery recorded yet.
  const url = await receiverUrl();
  const hook = { url, secret: `whsec_target-${stamp}`, lastStatus: null, lastAt: null, lastDetail: null };
  await db.alertWebhook.upsert({ where: { groupId: "default" }, create: { groupId: "default", ...hook }, update: hook });
  // A level no action form sets, so that saving the defaults visibly changes it.
  const amber = 10 + Math.floor(Math.random() * 50);
  return { stamp, userId: victim.id, tokenId: info.id, connectionId: connection.id, agentId, webhookSecret: hook.secret, amber };
}
export type Targets = Awaited<ReturnType<typeof actionTargets>>;

export interface ActionCase {
  /** The page whose form calls it. */
  page: string;
  /** useActionState actions take (previous state, form). */
  withState?: boolean;
  form: (t: Targets) => Record<string, string>;
  changed: (before: Fingerprint, after: Fingerprint, t: Targets) => boolean;
}

export const ACTIONS: Record<string, ActionCase> = {
  "app/admin/users/actions.ts#createUser": {
    page: "/admin/users",
    form: (t) => ({ email: `created-${t.stamp}@example.com`, name: "Created", password: "created-password-1", role: "admin" }),
    changed: (_b, a, t) => a.users.some((u) => u.email === `created-${t.stamp}@example.com`),
  },
  "app/admin/users/actions.ts#updateUser": {
    page: "/admin/users",
    form: (t) => ({ id: t.userId, name: "Promoted", role: "admin" }),
    changed: (_b, a, t) => a.users.find((u) => u.id === t.userId)?.role === "admin",
  },
  "app/admin/users/actions.ts#deleteUser": {
    page: "/admin/users",
    form: (t) => ({ id: t.userId }),
    changed: (_b, a, t) => !a.users.some((u) => u.id === t.userId),
  },
  "app/admin/connections/actions.ts#createConnection": {
    page: "/admin/connections",
    form: (t) => ({ provider: "telecmi", name: `Created ${t.stamp}`, authType: "none" }),
    changed: (_b, a, t) => a.connections.some((c) => c.name === `Created ${t.stamp}`),
  },
  "app/admin/connections/actions.ts#updateConnection": {
    page: "/admin/connections",
    form: (t) => ({ id: t.connectionId, name: `Renamed ${t.stamp}`, authType: "none" }),
    changed: (_b, a, t) => a.connections.find((c) => c.id === t.connectionId)?.name === `Renamed ${t.stamp}`,
  },
  "app/admin/connections/actions.ts#rotateConnectionKey": {
    page: "/admin/connections",
    form: (t) => ({ id: t.connectionId }),
    changed: (b, a, t) => a.connections.find((c) => c.id === t.connectionId)?.key !== b.connections.find((c) => c.id === t.connectionId)?.key,
  },
  "app/admin/tokens/actions.ts#createToken": {
    page: "/admin/tokens",
    withState: true,
    form: (t) => ({ name: `created token ${t.stamp}` }),
    changed: (_b, a, t) => a.tokens.some((k) => k.name === `created token ${t.stamp}`),
  },
  "app/admin/names/actions.ts#renameEntity": {
    page: "/admin/names",
    form: (t) => ({ kind: "agent", id: t.agentId, displayName: ` Renamed ${t.stamp} `, show: "agents", q: "", page: "1" }),
    changed: (_b, a, t) => a.agents.find((agent) => agent.id === t.agentId)?.displayName === `Renamed ${t.stamp}`,
  },
  "app/admin/thresholds/actions.ts#saveThresholds": {
    page: "/admin/thresholds",
    form: (t) => ({ groupId: "default", "waiting.amber": String(t.amber), "waiting.red": String(t.amber + 5), "longestWait.amber": "off", webhookUrl: "" }),
    changed: (_b, a, t) =>
      a.thresholds.some((row) => row.groupId === "default" && row.metric === "waiting" && row.amber === t.amber && row.red === t.amber + 5) &&
      a.thresholds.some((row) => row.groupId === "default" && row.metric === "longestWait" && row.amberOff) &&
      !a.alertWebhooks.some((hook) => hook.groupId === "default"),
  },
  "app/admin/thresholds/actions.ts#rotateAlertSecret": {
    page: "/admin/thresholds",
    form: () => ({ groupId: "default" }),
    changed: (_b, a, t) => a.alertWebhooks.some((hook) => hook.groupId === "default" && hook.secret !== t.webhookSecret && hook.secret.startsWith("whsec_")),
  },
  "app/admin/thresholds/actions.ts#sendTestAlert": {
    page: "/admin/thresholds",
    form: () => ({ groupId: "default" }),
    changed: (_b, a) => a.alertWebhooks.some((hook) => hook.groupId === "default" && hook.lastStatus === "delivered" && hook.lastDetail === "alert.test: HTTP 200"),
  },
  "app/admin/tokens/actions.ts#revokeToken": {
    page: "/admin/tokens",
    form: (t) => ({ id: t.tokenId }),
    changed: (_b, a, t) => a.tokens.find((k) => k.id === t.tokenId)?.revokedAt !== null,
  },
};


/**
 * Server actions every signed-in user may call, on their own data only: the row changed is always the session's user,
 * never one the form names (the form below names another user, to prove it). Checked by the same two tests.
 */
export interface SelfActionCase {
  page: string;
  form: (t: Targets) => Record<string, string>;
  /** What the caller's own row holds after the call (its other rows stay as they were). */
  expected: Record<string, unknown>;
  /** Puts the caller's row back, so the next call changes something again. */
  reset: (db: Db, email: string) => Promise<unknown>;
}

export const SELF_ACTIONS: Record<string, SelfActionCase> = {
  "app/settings/actions.ts#savePreferences": {
    page: "/settings",
    form: (t) => ({ id: t.userId, userId: t.userId, locale: "pl", timeZone: "Asia/Tokyo", theme: "dark", alertSound: "on", alertNotify: "on" }),
    expected: { locale: "pl", timeZone: "Asia/Tokyo", theme: "dark", alertSound: true, alertNotify: true },
    reset: (db, email) => db.user.update({ where: { email }, data: { locale: null, timeZone: null, theme: "system", alertSound: false, alertNotify: false } }),
  },
};

/** The rows of `after` other than `email`'s are those of `before`; `email`'s row holds `expected`. */
export function onlyOwnRowChanged(before: Fingerprint, after: Fingerprint, email: string, expected: Record<string, unknown>): boolean {
  const others = (f: Fingerprint) => f.users.filter((u) => u.email !== email);
  const own = after.users.find((u) => u.email === email) as Record<string, unknown> | undefined;
  return (
    JSON.stringify(others(before)) === JSON.stringify(others(after)) &&
    own !== undefined &&
    Object.entries(expected).every(([key, value]) => own[key] === value) &&
    JSON.stringify({ ...before, users: [] }) === JSON.stringify({ ...after, users: [] })
  );
}
