import Link from "next/link";

/** What `forbidden()` renders (status 403): a signed-in user asked for something their role may not see. */
export default function Forbidden() {
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="mb-2 text-xl font-bold">Admins only</h1>
      <p className="text-slate-600">This page needs a role you do not have.</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline">Back to the board</Link>
    </main>
  );
}
