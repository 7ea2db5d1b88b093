/**
 * Why a batch write failed, as far as retrying is concerned. SQLite's result codes for a busy, locked, full,
 * read-only or broken database are transient: the same rows can be stored later, so the providers are asked to
 * retry (503). Anything else (a constraint, a value the driver cannot bind) is in the data: retrying the same rows
 * fails again, so the group committer splits the batch to find the delivery at fault.
 */
export class WriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = "WriteError";
  }
}

const TRANSIENT_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY|CANTOPEN|NOMEM|INTERRUPT|PROTOCOL|NOTADB|CORRUPT|AUTH|PERM|NOLFS)/;

export function isTransientCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_CODES.test(code);
}

export function isTransientWriteError(error: unknown): boolean {
  if (error instanceof WriteError) return error.transient;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && isTransientCode(code);
}
