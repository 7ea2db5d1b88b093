import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthService } from "../auth/auth-service";
import { sessionToken } from "../auth/gate";
import type { Metrics } from "./metrics";
import { checkReadiness, type ReadinessProbes } from "./readiness";

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

/**
 * The operator's endpoints, answered by the custom server before Next.js: `/healthz` (the process is alive),
 * `/readyz` (intake works: 200 or 503 with the failing check), `/metrics` (Prometheus; an admin's session or an
 * admin-created API token as `Authorization: Bearer cb_…`, since the figures describe the whole centre).
 * Returns false for other paths.
 */
export async function serveOperations(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { auth: AuthService; metrics: Metrics; readiness: ReadinessProbes; role?: () => { applier: boolean; term: number } },
): Promise<boolean> {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/healthz") {
    // Whether this node is the applier (docs/cluster.md), for operators and balancers.
    json(res, 200, { ok: true, ...deps.role?.() });
    return true;
  }
  if (path === "/readyz") {
    const readiness = await checkReadiness(deps.readiness);
    json(res, readiness.ready ? 200 : 503, { ok: readiness.ready, ...readiness.checks });
    return true;
  }
  if (path === "/metrics") {
    const user =
      (await deps.auth.userForToken(sessionToken(req.headers.cookie))) ?? (await deps.auth.tokens.principal(req.headers.authorization));
    if (!user) {
      json(res, 401, { ok: false, error: "sign in as an admin, or send an API token as Authorization: Bearer cb_…" });
      return true;
    }
    // Centre-wide figures: admins, and API tokens (which admins create); not agents or (limited) supervisors.
    if (user.role !== "admin" && !user.id.startsWith("token:")) {
      json(res, 403, { ok: false, error: "metrics are for admins and API tokens" });
      return true;
    }
    const { contentType, body } = await deps.metrics.render();
    res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body);
    return true;
  }
  return false;
}
