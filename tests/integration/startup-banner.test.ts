import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startAppProcess } from "../helpers/app-process";

function storedKeys(dir: string): { provider: string; key: string }[] {
  const db = new Database(path.join(dir, "e2e.db"), { readonly: true });
  try {
    return db.prepare(`SELECT provider, key FROM "Connection"`).all() as { provider: string; key: string }[];
  } finally {
    db.close();
  }
}

/** A URL key is the connection's credential: start-up output (terminals, CI logs) shows it in full once, at creation. */
describe("webhook keys in the start-up banner", () => {
  it("prints random keys in full on the start that created them, and redacted on every later start", async () => {
    const first = await startAppProcess({}, undefined, { randomKeys: true });
    await first.kill();
    const keys = storedKeys(first.dir);
    expect(keys).toHaveLength(5);
    for (const { provider, key } of keys) expect(first.output()).toContain(`/api/webhooks/${provider}/${key}`);

    const second = await startAppProcess({}, first.dir, { randomKeys: true });
    try {
      const output = second.output();
      for (const { provider, key } of keys) {
        expect(output).not.toContain(key);
        expect(output).toContain(`/api/webhooks/${provider}/${key.slice(0, 4)}…`);
      }
      expect(output).toContain(`${second.url}/admin/connections`);
      // The redacted keys still work: the URL on /admin/connections is the one the provider has.
      const telecmi = keys.find((k) => k.provider === "telecmi")?.key as string;
      const res = await fetch(`${second.url}/api/webhooks/telecmi/${telecmi}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(res.status).not.toBe(401);
    } finally {
      await second.stop();
      fs.rmSync(first.dir, { recursive: true, force: true });
    }
  });

  it("never prints keys fixed through CALLBOARD_<PROVIDER>_KEY in full, even on a fresh database", async () => {
    const app = await startAppProcess();
    try {
      expect(Object.keys(app.keys)).toHaveLength(5);
      for (const [provider, key] of Object.entries(app.keys)) {
        expect(app.output()).not.toContain(key);
        expect(app.output()).toContain(`/api/webhooks/${provider}/${key.slice(0, 4)}…`);
      }
      // …and they are the keys the server uses.
      const res = await fetch(`${app.url}/api/webhooks/telecmi/${app.keys.telecmi}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(res.status).not.toBe(401);
    } finally {
      await app.stop();
    }
  });
});
