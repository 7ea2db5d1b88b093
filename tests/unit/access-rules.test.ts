import { describe, expect, it } from "vitest";
import { accessRule, allows, normalizePath } from "@/server/auth/access-rules";
import type { AuthUser, Role } from "@/server/auth/types";

const user = (role: Role): AuthUser => ({ id: role, email: `${role}@x.io`, name: role, role, queueIds: [], projectIds: [], agentIds: [] });

describe("the access rule table", () => {
  it("normalizes a path the way the router will read it before picking a rule", () => {
    expect(normalizePath("/_next/../admin/users?x=1")).toBe("/admin/users");
    expect(normalizePath("/sign-in/../admin/users")).toBe("/admin/users");
    expect(normalizePath("/sign-in/%2e%2e/admin")).toBe("/admin");
    expect(normalizePath("/%61dmin//users/")).toBe("/admin/users");
    expect(normalizePath("/_next\\..\\admin")).toBe("/admin");
    expect(normalizePath("/../../admin")).toBe("/admin");
    expect(normalizePath("/%E0%A4%A")).toBe("/%E0%A4%A");
  });

  it("admin paths need the admin role however they are spelled; public rules only cover what they name", () => {
    for (const path of ["/_next/image?url=%2Fadmin%2Fusers&w=64&q=75", "/_next/data/x.json"]) expect(accessRule(path).access, path).toBe("signed-in");
    for (const path of ["/admin/users", "/admin", "/Admin/Connections", "/_next/../admin/tokens", "/sign-in/../admin/users", "/healthz/..%2fadmin/users", "/api/admin/x"]) {
      const rule = accessRule(path);
      expect(rule.access, path).toBe("admin");
      expect(allows(rule, user("admin"))).toBe(true);
      expect(allows(rule, user("supervisor"))).toBe(false);
      expect(allows(rule, user("agent"))).toBe(false);
      expect(allows(rule, undefined)).toBe(false);
    }
    for (const path of ["/sign-in", "/sign-in?next=/x", "/api/auth/sign-in", "/healthz", "/_next/static/a.js", "/api/webhooks/telecmi/k"]) expect(accessRule(path).access, path).toBe("public");
    for (const path of ["/sign-inx", "/healthz/x", "/", "/history/1", "/unknown", "/api/unknown", "/api/calls/export"]) expect(accessRule(path).access, path).toBe("signed-in");
  });

  it("stored alerts are for supervisors and admins, never agents (the call history stays open to every role)", () => {
    for (const path of ["/history/alerts", "/history/alerts?group=q1", "/History/Alerts/", "/history/x/../alerts"]) {
      const rule = accessRule(path);
      expect(rule.access, path).toBe("supervisor");
      expect([user("admin"), user("supervisor"), user("agent"), undefined].map((u) => allows(rule, u))).toEqual([true, true, false, false]);
    }
    expect(accessRule("/history/alertsx").access).toBe("signed-in");
  });

  it("API paths answer as APIs; only the history APIs (calls, agents' days) take an integration's bearer token", () => {
    expect(accessRule("/api/calls/1")).toMatchObject({ api: true, bearer: true });
    expect(accessRule("/api/agents/export")).toMatchObject({ access: "signed-in", api: true, bearer: true });
    expect(accessRule("/api/agentsx").bearer).toBeUndefined();
    expect(accessRule("/api/other")).toMatchObject({ api: true });
    expect(accessRule("/api/other").bearer).toBeUndefined();
    expect(accessRule("/history").bearer).toBeUndefined();
    expect(accessRule("/admin/tokens")).toMatchObject({ api: false });
  });
});
