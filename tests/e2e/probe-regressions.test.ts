import fs from "node:fs";
import { createServer, type Server } from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppProcess, type AppProcess } from "../helpers/app-process";

/**
 * What an attacker's probe of the production build found after the first round of hardening (issue "Nothing lost,
 * nothing leaked…"). Each case failed before its fix.
 */
const ROOT = path.join(import.meta.dirname, "..", "..");

describe("probe regressions (production build)", () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startAppProcess({ LOG_LEVEL: "info" });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("a server action posted to a page that does not own it is never forwarded to localhost:3000 (another program)", async () => {
    // Before: Next.js, not told Callboard's port, re-sent the request to its default localhost:3000 and handed the answer back.
    const decoyHits: string[] = [];
    const decoy: Server = createServer((req, res) => {
      decoyHits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "text/x-component" }).end("SECRET-FROM-PORT-3000");
    });
    const listening = await new Promise<boolean>((resolve) => {
      decoy.once("error", () => resolve(false));
      decoy.listen(3000, "127.0.0.1", () => resolve(true));
    });
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, ".next", "server", "server-reference-manifest.json"), "utf8")) as {
        node: Record<string, { workers: Record<string, unknown> }>;
      };
      const adminActions = Object.entries(manifest.node).filter(([, a]) => Object.keys(a.workers).some((w) => w.startsWith("app/admin/")));
      expect(adminActions.length).toBeGreaterThan(0);
      for (const [id] of adminActions) {
        const res = await fetch(`${app.url}/sign-in`, {
          method: "POST",
          headers: { "next-action": id, "content-type": "text/plain;charset=UTF-8" },
          body: '["attacker-controlled-body"]',
          redirect: "manual",
        });
        expect(await res.text()).not.toContain("SECRET-FROM-PORT-3000");
      }
      expect(decoyHits).toEqual([]);
      expect(app.output()).not.toMatch(/failed to forward action|127\.0\.0\.1:3000|localhost:3000/);
      if (!listening) console.warn("port 3000 was busy: only the log check ran for the forwarding case");
    } finally {
      await new Promise((resolve) => decoy.close(resolve));
    }
  });

  it("a webhook whose body is cut off mid-way leaves no webhook key in the logs", async () => {
    // Before: the request handler logged the raw URL ("request failed") with the connection's full key.
    const { port } = new URL(app.url);
    const key = app.keys.piopiy as string;
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1", () => {
        socket.write(`POST /api/webhooks/piopiy/${key} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 300);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.output()).not.toContain(key.slice(4));
    // Intake goes on.
    const res = await fetch(`${app.url}/api/webhooks/piopiy/${key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "event", status: "in_ringing", cmiuuid: "after-abort", conversation_uuid: "after-abort", time: Date.now() }),
    });
    expect(res.status).toBe(200);
  });

  it("nesting hidden behind a // comment is still refused (400), not parsed 8,000 levels deep", async () => {
    const body = `{"type":"cdr","status":"answered","cmiuuid":"c1","conversation_uuid":"c1","a": // "\n${"[".repeat(8000)}${"]".repeat(8000)}}`;
    const res = await fetch(`${app.url}/api/webhooks/telecmi/${app.keys.telecmi}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(400);
    expect(String((await res.json()).error)).toMatch(/nests more than 32/);
  });

  it("the image optimizer is not a public way around the gate", async () => {
    const res = await fetch(`${app.url}/_next/image?url=%2Fadmin%2Fusers&w=64&q=75`, { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(app.output()).not.toMatch(/internal image response failed/);
  });
});
