/**
 * The message to show an admin for an expected error. The services were loaded by the custom server and these
 * actions by Next.js (two copies of each module), so errors are recognised by shape, not `instanceof`.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error && "issues" in error && Array.isArray(error.issues)) {
    return (error.issues as { path: PropertyKey[]; message: string }[])
      .map((issue) => `${issue.path.map(String).join(".") || "form"}: ${issue.message}`)
      .join("; ");
  }
  if (error instanceof Error && (error.name === "UserRuleError" || error.name === "AlertRuleError")) return error.message;
  if (error instanceof Error && /Unique constraint/i.test(error.message)) return "a user with that email already exists";
  throw error;
}
