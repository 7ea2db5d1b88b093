/** A problem to tell the admin, as a key of the `admin` catalogue's `error` group with its values. */
export interface Problem {
  field: string | null;
  id: string;
  values: Record<string, number>;
}

const FIELDS = ["email", "name", "displayName", "displayName", "password", "role", "provider", "authType", "authUser", "authSecret", "authHeader", "keyMap"];

/** A zod issue as a problem: a rule's own id (`params.id`), else what kind of check failed. */
function problemOf(issue: { path: PropertyKey[]; code: string; params?: { id?: unknown }; minimum?: unknown; maximum?: unknown; format?: unknown }): Problem {
  const name = String(issue.path[0] ?? "");
  const field = FIELDS.includes(name) ? name : null;
  if (typeof issue.params?.id === "string") return { field, id: issue.params.id, values: {} };
  if (issue.code === "too_small") return Number(issue.minimum) <= 1 ? { field, id: "required", values: {} } : { field, id: "tooShort", values: { min: Number(issue.minimum) } };
  if (issue.code === "too_big") return { field, id: "tooLong", values: { max: Number(issue.maximum) } };
  if (issue.code === "invalid_format") return { field, id: issue.format === "email" ? "invalidEmail" : name === "authHeader" ? "headerChars" : "invalidFormat", values: {} };
  if (issue.code === "invalid_value" || issue.code === "invalid_type") return { field, id: "invalidChoice", values: {} };
  return { field, id: "invalid", values: {} };
}

/**
 * The problems to show an admin for an expected error, for the action to say in the admin's language. The services
 * were loaded by the custom server and these actions by Next.js (two copies of each module), so errors are recognised
 * by shape, not `instanceof`. Anything unexpected is thrown on.
 */
export function describeError(error: unknown): Problem[] {
  if (error instanceof Error && "issues" in error && Array.isArray(error.issues)) return (error.issues as Parameters<typeof problemOf>[0][]).map(problemOf);
  if (error instanceof Error && error.name === "UserRuleError" && "id" in error && typeof error.id === "string") return [{ field: null, id: error.id, values: {} }];
  if (error instanceof Error && error.name === "NameRuleError") return [{ field: null, id: "noSuchEntity", values: {} }];
  if (error instanceof Error && /Unique constraint/i.test(error.message)) return [{ field: "email", id: "emailTaken", values: {} }];
  throw error;
}
