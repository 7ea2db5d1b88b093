/** The outcome of the last action, carried in the URL (`?done=…` or `?error=…`) so it survives the redirect. */
export function Flash({ done, error }: { done?: string; error?: string }) {
  if (error) {
    return (
      <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
        {error}
      </p>
    );
  }
  if (done) {
    return (
      <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200">
        {done}
      </p>
    );
  }
  return null;
}
