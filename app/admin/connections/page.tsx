import Link from "next/link";
import { CopyButton } from "./copy-button";
import { connectionHealth, type ConnectionHealth } from "@/server/connections/health";
import type { ConnectionConfig } from "@/server/connections/types";
import { PROVIDERS } from "@/server/domain/events";
import { providerAdapter } from "@/server/providers";
import { ADMINS, requireRole } from "@/app/lib/session";
import { getRuntime } from "@/server/runtime";
import { Flash } from "../flash";
import { createConnection, rotateConnectionKey, updateConnection } from "./actions";

export const dynamic = "force-dynamic";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm";
const button = "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700";

function ago(ms: number | null, now: number): string {
  if (ms === null) return "never";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

function Health({ health, now, silentMinutes }: { health: ConnectionHealth | undefined; now: number; silentMinutes: number }) {
  if (!health) return null;
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4" data-testid="connection-health">
      <div>
        <dt className="text-slate-500">Last delivery</dt>
        <dd className="font-medium">{ago(health.lastDeliveryAt, now)}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Last hour</dt>
        <dd className="font-medium tabular-nums">{health.lastHour} deliveries</dd>
      </div>
      <div>
        <dt className="text-slate-500">Refused (last hour)</dt>
        <dd className={`font-medium tabular-nums ${health.rejectedLastHour > 0 ? "text-red-700" : ""}`}>{health.rejectedLastHour}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Provider → Callboard lag</dt>
        <dd className="font-medium tabular-nums">{health.lagMs === null ? "n/a (no provider times)" : `${(health.lagMs / 1000).toFixed(1)} s`}</dd>
      </div>
      {health.silent ? (
        <p role="status" className="col-span-full mt-1 rounded-md bg-amber-50 px-3 py-1.5 text-amber-900 ring-1 ring-amber-200" data-testid="silent-warning">
          Silent: nothing received for more than {silentMinutes} minutes. Check the URL in the provider&apos;s console.
        </p>
      ) : null}
    </dl>
  );
}

function AuthFields({ connection, provider }: { connection?: ConnectionConfig; provider?: string }) {
  const p = connection?.provider ?? provider;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <label className="text-sm font-medium">
        Extra check
        <select name="authType" defaultValue={connection?.authType ?? "none"} className={input}>
          <option value="none">URL key only</option>
          {p === undefined || p === "voipex" ? <option value="basic">VOIPEX: HTTP Basic</option> : null}
          {p === undefined || p === "voipex" ? <option value="bearer">VOIPEX: Bearer token</option> : null}
          {p === undefined || p === "conpeek" ? <option value="header">Conpeek: custom header</option> : null}
        </select>
      </label>
      <label className="text-sm font-medium">
        Basic login (VOIPEX)
        <input name="authUser" defaultValue={connection?.authUser ?? ""} className={input} />
      </label>
      <label className="text-sm font-medium">
        Header name (Conpeek)
        <input name="authHeader" defaultValue={connection?.authHeader ?? ""} placeholder="appHash" className={input} />
      </label>
      <label className="text-sm font-medium">
        Password / token / header value{connection ? " (empty keeps the current one)" : ""}
        <input name="authSecret" type="password" autoComplete="new-password" className={input} />
      </label>
      {p === undefined || p === "voipex" ? (
        <label className="text-sm font-medium sm:col-span-2">
          Renamed VOIPEX keys (JSON, optional)
          <input name="keyMap" defaultValue={connection?.keyMap ? JSON.stringify(connection.keyMap) : ""} placeholder='{"EventName": "event", "Login": "user"}' className={`${input} font-mono`} />
        </label>
      ) : null}
    </div>
  );
}

export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireRole("/admin/connections", ADMINS);
  const params = await searchParams;
  const runtime = getRuntime();
  if (!runtime) return <p>Callboard is starting.</p>;
  const now = Date.now();
  const urls = runtime.registry.webhookUrls(runtime.publicUrl);
  const health = await connectionHealth(runtime.db, urls.map(({ connection }) => connection.id), now, runtime.silentAfterMs);
  const silentMinutes = Math.round(runtime.silentAfterMs / 60_000);

  return (
    <main>
      <h1 className="mb-1 text-2xl font-bold">Connections</h1>
      <p className="mb-4 text-sm text-slate-600">
        Each connection is one provider account posting to its own secret URL. Paste the URL(s) into the provider&apos;s webhook settings.
      </p>
      <Flash done={params.done} error={params.error} />
      <div className="mb-8 flex flex-col gap-4">
        {urls.map(({ connection, urls: links }) => (
          <section key={connection.id} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="connection" aria-label={connection.name}>
            <div className="mb-2 flex flex-wrap items-baseline gap-2">
              <h2 className="text-lg font-semibold">{connection.name}</h2>
              <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{providerAdapter(connection.provider).label}</span>
              <span className="text-xs text-slate-500">{connection.authType === "none" ? "URL key only" : `+ ${connection.authType} auth`}</span>
              <Link href={`/admin/connections?edit=${connection.id}`} className="ml-auto text-sm text-sky-700 underline">
                Edit
              </Link>
            </div>
            <ul className="mb-3 flex flex-col gap-1">
              {links.map((url) => (
                <li key={url} className="flex items-center gap-2">
                  <code className="block min-w-0 flex-1 overflow-x-auto rounded bg-slate-100 px-2 py-1 text-xs" data-testid="webhook-url">
                    {url}
                  </code>
                  <CopyButton text={url} label={`Copy ${connection.name} webhook URL`} />
                </li>
              ))}
            </ul>
            <Health health={health.get(connection.id)} now={now} silentMinutes={silentMinutes} />
            {params.edit === connection.id ? (
              <form action={updateConnection} className="mt-4 border-t border-slate-200 pt-3" aria-label={`Edit ${connection.name}`}>
                <input type="hidden" name="id" value={connection.id} />
                <label className="mb-3 block text-sm font-medium">
                  Name
                  <input name="name" required defaultValue={connection.name} className={input} />
                </label>
                <AuthFields connection={connection} />
                <button type="submit" className={`${button} mt-3`}>Save</button>
              </form>
            ) : null}
            <form action={rotateConnectionKey} className="mt-3">
              <input type="hidden" name="id" value={connection.id} />
              <button type="submit" className="rounded-md px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
                Rotate key (new URL)
              </button>
            </form>
          </section>
        ))}
      </div>
      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-label="Add connection">
        <h2 className="mb-3 text-lg font-semibold">Add a connection</h2>
        <form action={createConnection}>
          <div className="mb-3 grid gap-3 sm:grid-cols-2">
            <label className="text-sm font-medium">
              Provider
              <select name="provider" className={input}>
                {PROVIDERS.map((provider) => (
                  <option key={provider} value={provider}>
                    {providerAdapter(provider).label}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-sm font-medium">
              Name
              <input name="name" required placeholder="e.g. Prague office PBX" className={input} />
            </label>
          </div>
          <AuthFields />
          <button type="submit" className={`${button} mt-3`}>Add connection</button>
        </form>
      </section>
    </main>
  );
}
