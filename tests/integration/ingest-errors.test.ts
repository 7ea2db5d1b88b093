import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as eventRoute from "@/app/api/webhooks/[provider]/[key]/[event]/route";
import * as keyRoute from "@/app/api/webhooks/[provider]/[key]/route";
import { getRuntime } from "@/server/runtime";
import { startTestServer, type TestServer } from "../helpers/server";

/** Bad inputs get their status code and a JSON reason, and are stored for inspection; bad credentials get 401. */
describe("webhook edge cases over real HTTP", () => {
  let server: TestServer;
  const url = (provider: string, suffix = "") => `${server.app.url}/api/webhooks/${provider}/${server.keyOf(provider as never)}${suffix}`;
  const stored = (id: unknown) => server.app.db.delivery.findUnique({ where: { id: String(id) } });

  beforeAll(async () => {
    server = await startTestServer({
      WEBHOOK_BODY_LIMIT: "2048",
      CALLBOARD_VOIPEX_AUTH: "basic",
      CALLBOARD_VOIPEX_USER: "ipex",
      CALLBOARD_VOIPEX_PASSWORD: "s3cret-pass",
      CALLBOARD_CONPEEK_HEADER: "appHash",
      CALLBOARD_CONPEEK_HEADER_VALUE: "abc-123",
      CALLBOARD_PIOPIY_KEY: "fixed-piopiy-key-0123456789",
    });
  });
  afterAll(() => server.stop());

  it("400 with a JSON reason for a body that is not JSON, stored as invalid with its text", async () => {
    const res = await fetch(url("telecmi"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"status": "answered",' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ ok: false, status: "invalid" });
    expect(String(body.error)).toMatch(/not JSON/);
    const row = await stored(body.delivery);
    expect(row).toMatchObject({ outcome: "invalid", httpStatus: 400, bodyText: '{"status": "answered",', method: "POST" });
  });

  it("400 for JSON that lacks what the provider always sends", async () => {
    const res = await fetch(url("telecmi"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"status":"answered"}' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(String(body.error)).toMatch(/cmiuuid/);
    expect(await stored(body.delivery)).toMatchObject({ outcome: "invalid" });
  });

  it("413 over the body limit, stored truncated", async () => {
    const big = JSON.stringify({ status: "waiting", cmiuuid: "x", pad: "p".repeat(5000) });
    const res = await fetch(url("telecmi"), { method: "POST", headers: { "content-type": "application/json" }, body: big });
    expect(res.status).toBe(413);
    const body = await res.json();
    const row = await stored(body.delivery);
    expect(row).toMatchObject({ outcome: "rejected", httpStatus: 413, truncated: true });
    expect(row?.bodyText.length).toBeLessThanOrEqual(2048);
  });

  it("415 for a content type no provider sends, stored", async () => {
    const res = await fetch(url("conpeek"), { method: "POST", headers: { "content-type": "application/xml", appHash: "abc-123" }, body: "<event/>" });
    expect(res.status).toBe(415);
    const body = await res.json();
    expect(await stored(body.delivery)).toMatchObject({ outcome: "rejected", httpStatus: 415, contentType: "application/xml" });
  });

  it("202 ignored for a well-formed event Callboard does not use, stored", async () => {
    const res = await fetch(url("conpeek"), {
      method: "POST",
      headers: { "content-type": "application/json", appHash: "abc-123" },
      body: JSON.stringify({ event_type: "voice_campaign", event_name: "voice_campaign_request_created", event_time: "2018-05-02 23:30:00", data: { id: "1" } }),
    });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.status).toBe("ignored");
    expect(await stored(body.delivery)).toMatchObject({ outcome: "ignored", eventName: "voice_campaign:voice_campaign_request_created" });
  });

  it("405 for a method the provider does not use, stored", async () => {
    const res = await fetch(`${url("piopiy")}?status=ringing`, { method: "GET" });
    expect(res.status).toBe(405);
    expect(await stored((await res.json()).delivery)).toMatchObject({ outcome: "rejected", method: "GET" });
  });

  it("a fixed key from the environment is used in the URL", async () => {
    expect(server.keyOf("piopiy")).toBe("fixed-piopiy-key-0123456789");
  });

  it("401 for an unknown key, a key of another provider, and nothing is stored", async () => {
    const before = await server.app.db.delivery.count();
    const wrongKey = await fetch(`${server.app.url}/api/webhooks/telecmi/not-a-real-key-at-all-000000`, { method: "POST", body: "{}" });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toEqual({ ok: false, error: "unauthorized" });
    const crossed = await fetch(`${server.app.url}/api/webhooks/telecmi/${server.keyOf("conpeek")}`, { method: "POST", body: "{}" });
    expect(crossed.status).toBe(401);
    expect(await server.app.db.delivery.count()).toBe(before);
  });

  it("VOIPEX with Basic auth: wrong or missing credentials 401, right ones accepted", async () => {
    const event = JSON.stringify({ EventName: "AgentLogin", Login: "janecek", Queue: "NOC" });
    const post = (authorization?: string) =>
      fetch(url("voipex"), { method: "POST", headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body: event });
    expect((await post()).status).toBe(401);
    expect((await post(`Basic ${Buffer.from("ipex:wrong").toString("base64")}`)).status).toBe(401);
    expect((await post(`Basic ${Buffer.from("other:s3cret-pass").toString("base64")}`)).status).toBe(401);
    const ok = await post(`Basic ${Buffer.from("ipex:s3cret-pass").toString("base64")}`);
    expect(ok.status).toBe(200);
    expect((await ok.json()).status).toBe("accepted");
  });

  it("Conpeek with a custom header: wrong or missing value 401", async () => {
    const body = JSON.stringify({ event_type: "user_dialog", event_name: "dialog_hold", event_time: "2020-08-25 16:25:04", dialog_uuid: "d-1" });
    const post = (headers: Record<string, string>) => fetch(url("conpeek"), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ appHash: "abc-124" })).status).toBe(401);
    expect((await post({ apphash: "abc-123" })).status).toBe(200);
  });

  it("TeleCMI GET with a query string is accepted", async () => {
    const res = await fetch(`${url("telecmi")}?type=event&status=waiting&direction=inbound&cmiuuid=get-1&conversation_uuid=get-1&from=440000000000&to=440000000001&app_id=2222223&time=1634724624830`);
    expect(res.status).toBe(200);
    const call = [...server.app.live.calls.values()].find((c) => c.key === "get-1");
    expect(call).toMatchObject({ state: "ringing", direction: "inbound", from: "440000000000" });
  });

  it("VoipNow without an event URL infers the event from CallStatus/CallFlow", async () => {
    const res = await fetch(`${url("voipnow")}?CallID=infer-1&CallerIDNum=0744&CalledExtension=12340101&CallStatus=CALLING&CallFlow=IN`);
    expect(res.status).toBe(200);
    const hangup = await fetch(url("voipnow"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "CallID=infer-1&CalledExtension=12340101&CallStatus=UNKNOWN&CallFlow=IN",
    });
    expect(hangup.status).toBe(200);
    const call = [...server.app.live.calls.values()].find((c) => c.key === "infer-1");
    expect(call).toMatchObject({ state: "ended", endReason: "missed" });
    const unknown = await fetch(`${url("voipnow", "/transfer")}?CallID=x`);
    expect(unknown.status).toBe(400);
  });

  it("the App Router route handlers (what Next.js serves) run the same pipeline as the fast path", async () => {
    const runtime = getRuntime();
    expect(runtime).toBeDefined();
    const key = server.keyOf("telecmi");
    const body = JSON.stringify({ type: "event", status: "waiting", direction: "inbound", cmiuuid: "route-1", conversation_uuid: "route-1", from: "4401", app_id: 1, time: Date.now() });
    // The handlers find the pipeline through the process-wide runtime, as under Next.js.
    const request = new Request(`http://localhost/api/webhooks/telecmi/${key}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const response = await keyRoute.POST(request, { params: Promise.resolve({ provider: "telecmi", key }) });
    expect(response.status).toBe(200);
    const reply = await response.json();
    expect(reply.status).toBe("accepted");
    expect(await stored(reply.delivery)).toMatchObject({ outcome: "accepted", path: `/api/webhooks/telecmi/${key.slice(0, 4)}…` });
    const repeat = await keyRoute.POST(
      new Request(`http://localhost/api/webhooks/telecmi/${key}`, { method: "POST", headers: { "content-type": "application/json" }, body }),
      { params: Promise.resolve({ provider: "telecmi", key }) },
    );
    expect((await repeat.json()).status).toBe("duplicate");

    const voipnowKey = server.keyOf("voipnow");
    const dialIn = await eventRoute.GET(
      new Request(`http://localhost/api/webhooks/voipnow/${voipnowKey}/dial-in?CallID=route-2&CalledExtension=0101&CallFlow=IN&CallStatus=CALLING`),
      { params: Promise.resolve({ provider: "voipnow", key: voipnowKey, event: "dial-in" }) },
    );
    expect(dialIn.status).toBe(200);
    const tooBig = await keyRoute.POST(
      new Request(`http://localhost/api/webhooks/telecmi/${key}`, { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(5000) }),
      { params: Promise.resolve({ provider: "telecmi", key }) },
    );
    expect(tooBig.status).toBe(413);
  });

  it("stored deliveries survive a restart and duplicates are still recognised", async () => {
    const body = JSON.stringify({ type: "cdr", status: "missed", direction: "inbound", cmiuuid: "restart-1", conversation_uuid: "restart-1", app_id: 1, time: Date.now() });
    const first = await fetch(url("telecmi"), { method: "POST", headers: { "content-type": "application/json" }, body });
    expect((await first.json()).status).toBe("accepted");
    const dir = server.dir;
    await server.app.close();
    const again = await startTestServer({ CALLBOARD_PIOPIY_KEY: "fixed-piopiy-key-0123456789" }, dir);
    try {
      const call = [...again.app.live.calls.values()].find((c) => c.key === "restart-1");
      expect(call).toMatchObject({ state: "ended", endReason: "missed" });
      const repeat = await fetch(`${again.app.url}/api/webhooks/telecmi/${again.keyOf("telecmi")}`, { method: "POST", headers: { "content-type": "application/json" }, body });
      expect((await repeat.json()).status).toBe("duplicate");
    } finally {
      await again.stop();
      server = { ...server, stop: async () => undefined };
    }
  });
});
