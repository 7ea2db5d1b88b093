import Link from "next/link";
import { ADMINS, requireRole } from "@/app/lib/session";
import { agentRows, NAME_LISTS, NamesQuery, namedRows, pageOf, searchRows, type NameList, type NameRow } from "@/server/names/directory";
import { getRuntime, type Runtime } from "@/server/runtime";
import { Flash } from "../flash";
import { renameEntity } from "./actions";
import { getTranslations } from "next-intl/server";

export const dynamic = "force-dynamic";

const input = "block w-full min-w-40 rounded-md border border-slate-300 px-2 py-1 text-sm";
const button = "rounded-md bg-slate-900 px-3 py-1 text-sm font-semibold text-white hover:bg-slate-700";

const href = (query: { show: NameList; q: string; page: number }) =>
  `/admin/names?${new URLSearchParams({ show: query.show, ...(query.q ? { q: query.q } : {}), ...(query.page > 1 ? { page: String(query.page) } : {}) })}`;

async function rowsOf(runtime: Runtime, show: NameList): Promise<NameRow[]> {
  const connections = new Map(runtime.registry.all().map((c) => [c.id, c.name]));
  const connectionName = (id: string) => connections.get(id) ?? id;
  if (show === "agents") return agentRows(runtime.live.agents.values(), connectionName, await runtime.names.linkedUsers());
  return show === "queues" ? namedRows("queue", runtime.live.queues.values(), connectionName) : namedRows("project", runtime.live.projects.values(), connectionName);
}

/** One agent, queue or project, with its inline rename form. */
function Row({ row, query, text }: { row: NameRow; query: { show: NameList; q: string; page: number }; text: { nobody: string; rename: string; hint: string; save: string } }) {
  return (
    <tr className="border-b border-slate-200 align-top" data-testid="name-row" data-id={row.id}>
      <td className="py-2 pr-3 font-medium" data-testid="shown-name">{row.label}</td>
      <td className="py-2 pr-3 font-mono text-xs text-slate-600">{row.externalId}</td>
      <td className="py-2 pr-3 text-slate-600">{row.providerName ?? "–"}</td>
      <td className="py-2 pr-3 text-slate-600">{row.connection}</td>
      {row.kind === "agent" ? <td className="py-2 pr-3 text-slate-600" data-testid="linked-users">{row.linkedUsers.join(", ") || text.nobody}</td> : null}
      <td className="py-1.5">
        {/* Keyed on the saved name, so the field shows what is stored after each save. */}
        <form key={row.displayName ?? ""} action={renameEntity} className="flex gap-2" aria-label={text.rename}>
          <input type="hidden" name="kind" value={row.kind} />
          <input type="hidden" name="id" value={row.id} />
          <input type="hidden" name="show" value={query.show} />
          <input type="hidden" name="q" value={query.q} />
          <input type="hidden" name="page" value={query.page} />
          <input
            name="displayName"
            defaultValue={row.displayName ?? ""}
            placeholder={text.hint}
            maxLength={80}
            aria-label={text.rename}
            className={input}
          />
          <button type="submit" className={button}>{text.save}</button>
        </form>
      </td>
    </tr>
  );
}

/**
 * Display names (issue 9): every agent identity, queue and project with an inline rename form; searchable, 50 rows a
 * page (1,000 agents are 20 pages). Which name shows where is decided in server/domain/names.ts.
 */
export default async function NamesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireRole("/admin/names", ADMINS);
  const t = await getTranslations("admin");
  const params = await searchParams;
  const runtime = getRuntime();
  if (!runtime) return <p>{t("names.starting")}</p>;
  const requested = NamesQuery.parse(params);
  const found = searchRows(await rowsOf(runtime, requested.show), requested.q);
  const { rows, page, pages, total } = pageOf(found, requested.page);
  const query = { ...requested, page };
  const counts: Record<NameList, number> = { agents: runtime.live.agents.size, queues: runtime.live.queues.size, projects: runtime.live.projects.size };
  const text = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

  return (
    <main>
      <h1 className="mb-1 text-2xl font-bold">{t("names.title")}</h1>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t("names.intro")}</p>
      <Flash done={text(params.done)} error={text(params.error)} />
      <nav className="mb-3 flex gap-1 text-sm" aria-label={t("names.title")}>
        {NAME_LISTS.map((list) => (
          <Link
            key={list}
            href={href({ show: list, q: "", page: 1 })}
            aria-current={list === query.show ? "page" : undefined}
            className={`rounded px-3 py-1 ${list === query.show ? "bg-slate-900 text-white" : "hover:bg-slate-200"}`}
          >
            {t(`names.lists.${list}`)} ({counts[list]})
          </Link>
        ))}
      </nav>
      <form method="get" action="/admin/names" role="search" className="mb-4 flex max-w-xl gap-2">
        <input type="hidden" name="show" value={query.show} />
        {/* Keyed: a client-side move to another list or search must show that search, not what was typed before. */}
        <input key={`${query.show}|${query.q}`} type="search" name="q" defaultValue={query.q} aria-label={t("names.searchLabel")} placeholder={t("names.searchLabel")} maxLength={100} className={input} />
        <button type="submit" className={button}>{t("names.search")}</button>
        {query.q ? <Link href={href({ ...query, q: "", page: 1 })} className="rounded-md px-3 py-1 text-sm hover:bg-slate-100">{t("names.clearSearch")}</Link> : null}
      </form>

      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">{query.q ? t("names.noMatch", { text: query.q }) : t(`names.empty.${query.show}`)}</p>
      ) : (
        <table className="w-full border-collapse text-sm" aria-label={t(`names.lists.${query.show}`)}>
          <thead>
            <tr className="border-b border-slate-300 text-left text-slate-500">
              <th className="py-2 pr-3">{t("names.columns.shown")}</th>
              <th className="pr-3">{t("names.columns.providerId")}</th>
              <th className="pr-3">{t("names.columns.providerName")}</th>
              <th className="pr-3">{t("names.columns.connection")}</th>
              {query.show === "agents" ? <th className="pr-3">{t("names.columns.linkedUsers")}</th> : null}
              <th>{t("names.columns.rename")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <Row key={row.id} row={row} query={query} text={{ nobody: t("names.nobodyLinked"), rename: t("names.renameLabel", { label: row.label }), hint: t("names.defaultHint", { label: row.defaultLabel }), save: t("names.save") }} />
            ))}
          </tbody>
        </table>
      )}

      <nav className="mt-4 flex items-center gap-3 text-sm" aria-label={t("names.pages")} data-testid="pagination">
        {page > 1 ? <Link href={href({ ...query, page: page - 1 })} className="text-sky-700 underline">{t("names.previous")}</Link> : null}
        <span className="text-slate-600">{t("names.page", { page, pages, total })}</span>
        {page < pages ? <Link href={href({ ...query, page: page + 1 })} className="text-sky-700 underline">{t("names.next")}</Link> : null}
      </nav>
    </main>
  );
}
