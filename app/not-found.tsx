import Link from "next/link";
import { connection } from "next/server";

/**
 * Unknown pages (status 404). Rendered per request, not prerendered: a prerendered page carries no CSP nonce, so its
 * scripts would be blocked by the policy every response gets (server/http/security-headers.ts).
 */
export default async function NotFound() {
  await connection();
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="mb-2 text-xl font-bold">Page not found</h1>
      <p className="text-slate-600">Nothing lives at this address.</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 underline">Back to the board</Link>
    </main>
  );
}
