import Link from "next/link";
import type { ReactNode } from "react";
import { requireAdmin } from "@/app/lib/session";

export const dynamic = "force-dynamic";

/** Admin area: users and connections. Only admins get past this layout. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireAdmin("/admin/users");
  if (user === "forbidden") {
    return (
      <main className="mx-auto max-w-xl p-8">
        <h1 className="mb-2 text-xl font-bold">Admins only</h1>
        <p className="text-slate-600">Managing users and connections needs the admin role.</p>
        <Link href="/" className="mt-4 inline-block text-sky-700 underline">Back to the board</Link>
      </main>
    );
  }
  return (
    <div className="mx-auto max-w-6xl p-4">
      <header className="mb-6 flex flex-wrap items-center gap-4 border-b border-slate-200 pb-3">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <nav className="flex gap-1 text-sm" aria-label="Admin">
          <Link href="/admin/users" className="rounded px-3 py-1 hover:bg-slate-200">Users</Link>
          <Link href="/admin/connections" className="rounded px-3 py-1 hover:bg-slate-200">Connections</Link>
          <Link href="/admin/tokens" className="rounded px-3 py-1 hover:bg-slate-200">API tokens</Link>
          <Link href="/" className="rounded px-3 py-1 hover:bg-slate-200">Board</Link>
        </nav>
        <span className="ml-auto text-sm text-slate-600">{user.name}</span>
      </header>
      {children}
    </div>
  );
}
