import Link from "next/link";
import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";
import { agentLabel, namedLabel } from "@/server/domain/names";
import type { AuthUser } from "@/server/auth/types";
import { ADMINS, requireRole } from "@/app/lib/session";
import { getRuntime, type Runtime } from "@/server/runtime";
import { Flash } from "../flash";
import { createUser, deleteUser, updateUser } from "./actions";

export const dynamic = "force-dynamic";

type Options = { id: string; label: string }[];

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm";
const button = "rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700";

function choices(runtime: Runtime) {
  const connectionName = new Map(runtime.registry.all().map((c) => [c.id, c.name]));
  const sorted = (items: Options) => items.sort((a, b) => a.label.localeCompare(b.label));
  return {
    queues: sorted([...runtime.live.queues.values()].map((q) => ({ id: q.id, label: `${namedLabel(q)} · ${connectionName.get(q.connectionId) ?? ""}` }))),
    projects: sorted([...runtime.live.projects.values()].map((p) => ({ id: p.id, label: `${namedLabel(p)} · ${connectionName.get(p.connectionId) ?? ""}` }))),
    agents: sorted(
      [...runtime.live.agents.values()].map((a) => ({
        id: a.id,
        label: `${agentLabel(a)}${agentLabel(a) !== a.externalId ? ` (${a.externalId})` : ""} · ${connectionName.get(a.connectionId) ?? ""}`,
      })),
    ),
  };
}

function Checkboxes({ name, options, checked, empty }: { name: string; options: Options; checked: string[]; empty: string }) {
  if (options.length === 0) return <p className="text-xs text-slate-500">{empty}</p>;
  return (
    <div className="max-h-40 overflow-auto rounded-md border border-slate-200 p-2">
      {options.map((option) => (
        <label key={option.id} className="flex items-center gap-2 py-0.5 text-sm">
          <input type="checkbox" name={name} value={option.id} defaultChecked={checked.includes(option.id)} />
          {option.label}
        </label>
      ))}
    </div>
  );
}

/** The fields shared by the add and edit forms. */
function UserFields({ user, options }: { user?: AuthUser; options: ReturnType<typeof choices> }) {
  const t = useTranslations("admin");
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-sm font-medium">
          {t("users.name")}
          <input name="name" required defaultValue={user?.name} className={input} />
        </label>
        {user ? null : (
          <label className="text-sm font-medium">
            {t("users.email")}
            <input name="email" type="email" required className={input} />
          </label>
        )}
        <label className="text-sm font-medium">
          {t("users.role")}
          <select name="role" defaultValue={user?.role ?? "agent"} className={input}>
            <option value="agent">{t("users.roleAgent")}</option>
            <option value="supervisor">{t("users.roleSupervisor")}</option>
            <option value="admin">{t("users.roleAdmin")}</option>
          </select>
        </label>
        <label className="text-sm font-medium">
          {user ? t("users.newPassword") : t("users.password")}
          <input name="password" type="password" minLength={10} required={!user} autoComplete="new-password" className={input} />
        </label>
      </div>
      <div className="mt-3 grid gap-3 md:grid-cols-3">
        <fieldset>
          <legend className="text-sm font-medium">{t("users.agentIdentities")}</legend>
          <p className="mb-1 text-xs text-slate-500">{t("users.agentIdentitiesHelp")}</p>
          <Checkboxes name="agentIds" options={options.agents} checked={user?.agentIds ?? []} empty={t("users.noAgents")} />
        </fieldset>
        <fieldset>
          <legend className="text-sm font-medium">{t("users.queues")}</legend>
          <p className="mb-1 text-xs text-slate-500">{t("users.queuesHelp")}</p>
          <Checkboxes name="queueIds" options={options.queues} checked={user?.queueIds ?? []} empty={t("users.noQueues")} />
        </fieldset>
        <fieldset>
          <legend className="text-sm font-medium">{t("users.projects")}</legend>
          <p className="mb-1 text-xs text-slate-500">&nbsp;</p>
          <Checkboxes name="projectIds" options={options.projects} checked={user?.projectIds ?? []} empty={t("users.noProjects")} />
        </fieldset>
      </div>
    </>
  );
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireRole("/admin/users", ADMINS);
  const params = await searchParams;
  const t = await getTranslations("admin");
  const tr = await getTranslations("common");
  const runtime = getRuntime();
  if (!runtime) return <p>{t("starting")}</p>;
  const users = await runtime.auth.users.list();
  const options = choices(runtime);
  const label = (list: Options, ids: string[]) => ids.map((id) => list.find((o) => o.id === id)?.label ?? t("users.gone")).join(", ");
  const editing = users.find((user) => user.id === params.edit);

  return (
    <main>
      <h1 className="mb-4 text-2xl font-bold">{t("users.title")}</h1>
      <Flash done={params.done} error={params.error} />
      <table className="mb-8 w-full border-collapse text-sm">
        <thead>
          <tr className="border-b border-slate-300 text-left text-slate-500">
            <th className="py-2">{t("users.name")}</th>
            <th>{t("users.role")}</th>
            <th>{t("users.sees")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} className="border-b border-slate-200" data-testid="user-row">
              <td className="py-2">
                <div className="font-medium">{user.name}</div>
                <div className="text-slate-500">{user.email}</div>
              </td>
              <td>{tr(`role.${user.role}`)}</td>
              <td className="text-slate-600">
                {user.role === "agent"
                  ? user.agentIds.length > 0
                    ? t("users.ownCalls", { agents: label(options.agents, user.agentIds) })
                    : t("users.nothingYet")
                  : user.role === "supervisor" && (user.queueIds.length > 0 || user.projectIds.length > 0)
                    ? [label(options.queues, user.queueIds), label(options.projects, user.projectIds)].filter(Boolean).join(", ")
                    : t("users.everything")}
              </td>
              <td className="text-right">
                <Link href={`/admin/users?edit=${user.id}`} className="text-sky-700 underline">
                  {t("users.edit")}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {editing ? (
        <section className="mb-8 rounded-lg border border-slate-200 bg-white p-4" aria-label={t("users.editLabel")}>
          <h2 className="mb-3 text-lg font-semibold">{t("users.editTitle", { email: editing.email })}</h2>
          <form action={updateUser}>
            <input type="hidden" name="id" value={editing.id} />
            <UserFields user={editing} options={options} />
            <div className="mt-4 flex gap-2">
              <button type="submit" className={button}>{t("users.save")}</button>
              <Link href="/admin/users" className="rounded-md px-3 py-1.5 text-sm hover:bg-slate-100">{t("users.cancel")}</Link>
            </div>
          </form>
          <form action={deleteUser} className="mt-4 border-t border-slate-200 pt-3">
            <input type="hidden" name="id" value={editing.id} />
            <button type="submit" className="rounded-md px-3 py-1.5 text-sm text-red-700 ring-1 ring-red-300 hover:bg-red-50">
              {t("users.remove")}
            </button>
          </form>
        </section>
      ) : null}

      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-label={t("users.addLabel")}>
        <h2 className="mb-3 text-lg font-semibold">{t("users.addTitle")}</h2>
        <form action={createUser}>
          <UserFields options={options} />
          <button type="submit" className={`${button} mt-4`}>{t("users.add")}</button>
        </form>
      </section>
    </main>
  );
}
