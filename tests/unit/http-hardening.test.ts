import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, staticSecurityHeaders } from "@/server/http/security-headers";
import { originAllowed } from "@/server/realtime/origin";
import { redactKey, webhookBanner } from "@/server/startup-banner";
import type { ConnectionConfig } from "@/server/connections/types";

describe("security headers", () => {
  it("sends HSTS and upgrade-insecure-requests only when the public URL is https", () => {
    expect(staticSecurityHeaders({ publicUrl: "https://callboard.example.com", dev: false })["strict-transport-security"]).toBe("max-age=31536000");
    expect(contentSecurityPolicy("abc", { publicUrl: "https://callboard.example.com", dev: false })).toContain("upgrade-insecure-requests");
    for (const publicUrl of [undefined, "http://localhost:3000"]) {
      expect(staticSecurityHeaders({ publicUrl, dev: false })["strict-transport-security"]).toBeUndefined();
      expect(contentSecurityPolicy("abc", { publicUrl, dev: false })).not.toContain("upgrade-insecure-requests");
    }
  });

  it("allows eval only in dev (Next.js's dev overlay needs it)", () => {
    expect(contentSecurityPolicy("abc", { publicUrl: undefined, dev: false })).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy("abc", { publicUrl: undefined, dev: true })).toContain("'unsafe-eval'");
  });
});

describe("Socket.IO origin check", () => {
  const req = (origin: string | undefined, host = "10.0.0.5:3000") => ({ headers: { host, ...(origin === undefined ? {} : { origin }) } });
  it.each([
    [undefined, undefined, true],
    ["http://10.0.0.5:3000", undefined, true],
    ["https://10.0.0.5:3000", undefined, true],
    ["https://callboard.example.com", "https://callboard.example.com", true],
    ["https://callboard.example.com:8443", "https://callboard.example.com", false],
    ["http://callboard.example.com", "https://callboard.example.com", false],
    ["https://evil.example.net", "https://callboard.example.com", false],
    ["http://10.0.0.5:3001", undefined, false],
    ["null", undefined, false],
    ["file://", undefined, false],
    ["not a url", undefined, false],
  ])("Origin %s with PUBLIC_URL %s → %s", (origin, publicUrl, allowed) => {
    expect(originAllowed(req(origin), publicUrl)).toBe(allowed);
  });
});

describe("start-up banner", () => {
  const connection = { id: "telecmi", provider: "telecmi", name: "TeleCMI (default)", key: "0123456789abcdefghijklmnop", authType: "none" } as ConnectionConfig;
  const urls = [`http://x/api/webhooks/telecmi/${connection.key}`];
  it("shows a key in full only when this start created it at random", () => {
    const fresh = webhookBanner({ baseUrl: "http://x", connections: [{ connection, urls }], createdNow: new Set(["telecmi"]), env: {} }).join("\n");
    expect(fresh).toContain(connection.key);
    const later = webhookBanner({ baseUrl: "http://x", connections: [{ connection, urls }], createdNow: new Set(), env: {} }).join("\n");
    expect(later).not.toContain(connection.key);
    expect(later).toContain(`/telecmi/${redactKey(connection.key)}`);
    expect(later).toContain("http://x/admin/connections");
    const fromEnv = webhookBanner({ baseUrl: "http://x", connections: [{ connection, urls }], createdNow: new Set(["telecmi"]), env: { CALLBOARD_TELECMI_KEY: connection.key } }).join("\n");
    expect(fromEnv).not.toContain(connection.key);
    expect(fromEnv).toContain("CALLBOARD_TELECMI_KEY");
  });
});
