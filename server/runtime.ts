import type { AuthService } from "./auth/auth-service";
import type { Ingestor } from "./ingest/ingestor";

/**
 * The running pipeline, shared between the custom server and the route modules that Next.js compiles.
 * Next.js bundles its own copy of the modules under app/, so the instance lives on globalThis.
 */
export interface Runtime {
  ingestor: Ingestor;
  auth: AuthService;
  bodyLimit: number;
}

const KEY = Symbol.for("callboard.runtime");
type Holder = { [KEY]?: Runtime };

export function setRuntime(runtime: Runtime | undefined): void {
  (globalThis as Holder)[KEY] = runtime;
}

export function getRuntime(): Runtime | undefined {
  return (globalThis as Holder)[KEY];
}

/** A request handed to the route handlers can carry its own runtime (several run in one process in tests). */
const bound = new WeakMap<Request, Runtime>();

export function bindRuntime(request: Request, runtime: Runtime): Request {
  bound.set(request, runtime);
  return request;
}

export function runtimeFor(request: Request): Runtime | undefined {
  return bound.get(request) ?? getRuntime();
}
