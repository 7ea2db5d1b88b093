import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import type { AuthService } from "@/server/auth/auth-service";
import { CLIENT_ADDRESS_HEADER, gate } from "@/server/auth/gate";
import { loadConfig } from "@/server/config";
import { proxyTrust, requestAddress } from "@/server/http/connection-limits";
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

describe("TRUSTED_PROXIES", () => {
  const request = (peer: string, headers: Record<string, string> = {}) =>
    ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers, url: "/api/auth/sign-in" }) as unknown as IncomingMessage;

  it("takes the client from X-Forwarded-For only when the peer is trusted, skipping trusted hops from the right", () => {
    const trust = proxyTrust(["10.0.0.0/8", "loopback"]);
    expect(requestAddress(request("203.0.113.9", { "x-forwarded-for": "1.2.3.4" }), trust)).toBe("203.0.113.9");
    expect(requestAddress(request("::ffff:10.1.1.1", { "x-forwarded-for": "1.2.3.4" }), trust)).toBe("1.2.3.4");
    // A client's own forged entries sit to the left of the address the balancer appended.
    expect(requestAddress(request("10.1.1.1", { "x-forwarded-for": "6.6.6.6, 1.2.3.4, 10.2.2.2" }), trust)).toBe("1.2.3.4");
    expect(requestAddress(request("10.1.1.1"), trust)).toBe("10.1.1.1");
    expect(requestAddress(request("::ffff:127.0.0.1", { "x-forwarded-for": "1.2.3.4" }), proxyTrust([]))).toBe("127.0.0.1");
  });

  it("the sign-in throttle's address is set by the server, over whatever the client sent under its name", async () => {
    const auth = {} as AuthService;
    const req = request("10.1.1.1", { "x-forwarded-for": "1.2.3.4", [CLIENT_ADDRESS_HEADER]: "9.9.9.9" });
    expect(await gate(req, {} as ServerResponse, auth, proxyTrust(["10.0.0.0/8"]))).toEqual({ pass: true });
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("1.2.3.4");
    const direct = request("203.0.113.9", { "x-forwarded-for": "1.2.3.4", [CLIENT_ADDRESS_HEADER]: "9.9.9.9" });
    await gate(direct, {} as ServerResponse, auth, proxyTrust(["10.0.0.0/8"]));
    expect(direct.headers[CLIENT_ADDRESS_HEADER]).toBe("203.0.113.9");
  });

  it("refuses a value that is not an address, a range or a known name, at start-up", () => {
    expect(loadConfig({ NODE_ENV: "test", TRUSTED_PROXIES: " 10.0.0.1, 192.168.0.0/16 ,loopback" }).trustedProxies).toEqual(["10.0.0.1", "192.168.0.0/16", "loopback"]);
    expect(loadConfig({ NODE_ENV: "test" }).trustedProxies).toEqual([]);
    expect(() => loadConfig({ NODE_ENV: "test", TRUSTED_PROXIES: "haproxy.internal" })).toThrow(/TRUSTED_PROXIES/);
  });
});
