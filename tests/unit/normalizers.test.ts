import { describe, expect, it } from "vitest";
import { CanonicalEvent, PROVIDERS, type ProviderId } from "@/server/domain/events";
import { fixtureNames, normalizeFixture, RECEIVED_AT } from "../helpers/fixtures";

/**
 * Every fixture (the seeds' payloads, and every event kind in the providers' docs) with what it must normalize
 * to. A fixture without an entry here fails the coverage test at the bottom.
 */
type Expectation = {
  outcome?: "events" | "ignored" | "invalid";
  eventName?: string;
  dedupeKey?: string | null;
  events?: Record<string, unknown>[];
  urlEvent?: string;
  keyMap?: Record<string, string>;
};

const EXPECTED: Record<ProviderId, Record<string, Expectation>> = {
  telecmi: {
    "seed-outgoing-answered-leg-a.txt": {
      eventName: "event:answered",
      dedupeKey: "event:d965c6e0-5493-44f8-8d7d-b9a8077013a4:answered",
      events: [
        {
          kind: "call.answered",
          at: 1571122196059,
          timeSource: "provider",
          call: {
            key: "d965c6e0-5493-44f8-8d7d-b9a8077013a4",
            leg: { key: "d965c6e0-5493-44f8-8d7d-b9a8077013a4", role: "agent" },
            direction: "outbound",
            from: "04471000000",
            to: "9100000000",
            agent: { externalId: "109_1111113", extension: "109" },
            project: { externalId: "1111113", name: "App 1111113" },
          },
        },
      ],
    },
    "seed-outgoing-answered-leg-b.txt": {
      events: [
        {
          kind: "call.answered",
          call: { key: "d965c6e0-5493-44f8-8d7d-b9a8077013a4", leg: { key: "1e12c087-e5bb-4e77-8e42-1249fa40a99b", role: "customer" }, direction: "outbound", from: "04471000000" },
        },
      ],
    },
    "live-incoming-waiting.json": {
      events: [{ kind: "call.created", call: { key: "5202a928-07c3-4d32-a1a4-d304c9275971", direction: "inbound", from: "440000000000", to: "440000000001", leg: { role: "customer", number: "440000000000" } } }],
    },
    "live-incoming-started-leg-b.json": {
      events: [{ kind: "call.ringing", call: { direction: "inbound", leg: { key: "f4c65be7-4b4d-4d38-8aa9-4392fab50bd8", role: "agent" }, agent: { externalId: "204_2222223" }, queue: { externalId: "Sales_2222223", name: "Sales" } } }],
    },
    "live-incoming-answered-leg-b.json": { events: [{ kind: "call.answered", at: 1634724629956, call: { leg: { role: "agent" }, agent: { externalId: "204_2222223" } } }] },
    "live-incoming-hangup-leg-b.json": { events: [{ kind: "call.ended", scope: "leg", reason: "missed", call: { leg: { role: "agent" } } }] },
    "live-incoming-hangup-leg-a.json": { events: [{ kind: "call.ended", scope: "call", reason: "missed", call: { key: "7bf5fbab-5a1a-4cde-a0b6-aba843131950", direction: "inbound" } }] },
    "live-outgoing-started-leg-a.json": { events: [{ kind: "call.ringing", call: { direction: "outbound", leg: { role: "agent" }, to: "9100000000" } }] },
    "live-outgoing-hangup-leg-b.json": { events: [{ kind: "call.ended", scope: "call", call: { leg: { role: "customer" } } }] },
    "cdr-incoming-answered.json": {
      eventName: "cdr:answered",
      dedupeKey: "cdr:16132200-9f5a-4a4b-8b6a-6b3c2ea3c001",
      events: [{ kind: "call.summary", scope: "call", reason: "completed", providerReason: "recv_bye", talkSeconds: 11, recording: "1634720920615_204.mp3", call: { agent: { externalId: "204_2222223" }, queue: { name: "Sales" } } }],
    },
    "cdr-incoming-missed.json": { events: [{ kind: "call.summary", scope: "call", reason: "missed", waitSeconds: 24, talkSeconds: 0, recording: "vm_1634720920615.mp3" }] },
    "cdr-incoming-user-missed.json": { events: [{ kind: "call.summary", scope: "leg", reason: "rejected", providerReason: "sent_reject", call: { leg: { role: "agent" }, agent: { externalId: "205_2222223" } } }] },
    "cdr-outgoing-answered.json": { events: [{ kind: "call.summary", scope: "call", reason: "completed", talkSeconds: 60, recording: "out_1571122196059.mp3", call: { direction: "outbound" } }] },
    "cdr-outgoing-missed.json": { events: [{ kind: "call.summary", scope: "call", reason: "missed", providerReason: "recv_cancel", talkSeconds: 0 }] },
  },
  piopiy: {
    "seed-stream-connected.json": {
      eventName: "event:stream_connected",
      events: [{ kind: "media.connected", at: 1725975496000, detail: "connected", call: { waitsForCall: true, leg: { key: "c4ec9bd2-efad-4296-aa5b-eeafa6aeeea0", role: "agent" }, direction: "inbound", from: "440000000000", project: { externalId: "2222224" } } }],
    },
    "live-stream-disconnected.json": { eventName: "event:stream_disconnected", events: [{ kind: "media.disconnected", detail: "disconnected: 1006 Abnormal closure" }] },
    "live-in-ringing.json": { events: [{ kind: "call.ringing", call: { key: "a39e868b-a221-48db-ab5e-401147a5c619", leg: { role: "customer", number: "440000000000" } } }] },
    "live-in-answered.json": { eventName: "event:in_answered", events: [{ kind: "call.answered", at: 1725886117909, call: { direction: "inbound", to: "19170000000" } }] },
    "live-out-started.json": { events: [{ kind: "call.ringing", call: { key: "GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5", direction: "outbound" } }] },
    "live-out-answered.json": { events: [{ kind: "call.answered", call: { key: "GQqYoKtV3Tn25SVqbWwdzPkNwMBo9hhLwWadm9N71N5", to: "19170000000" } }] },
    "live-out-bridged.json": { events: [{ kind: "call.bridged", call: { leg: { key: "ade4153c-d8bd-4a62-bd6d-30774e0aa30a", role: "agent" } } }] },
    "cdr-in-answered.json": {
      dedupeKey: "cdr:55348d77-c515-425d-b22c-f0c6ecd8d780",
      events: [{ kind: "call.summary", scope: "call", reason: "completed", talkSeconds: 13, startedAt: 1632318498000, answeredAt: 1632318500000, endedAt: 1632318513000, call: { key: "c62abd10-1bab-11ec-8e24-ddb7c33510ad" } }],
    },
    "cdr-in-missed.json": { events: [{ kind: "call.summary", reason: "missed", talkSeconds: 0 }] },
    "cdr-out-answered.json": { events: [{ kind: "call.summary", reason: "completed", talkSeconds: 24, answeredAt: 1632307241000, call: { direction: "outbound" } }] },
    "cdr-out-missed.json": { events: [{ kind: "call.summary", reason: "missed", startedAt: 1632307238000, endedAt: 1632307265000, call: { key: "S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf" } }] },
  },
  voipnow: {
    "dial-in.query": {
      urlEvent: "dial-in",
      eventName: "dial-in",
      dedupeKey: "dial-in:1f4a0c2e9b7d:12340101",
      events: [
        { kind: "call.created", at: RECEIVED_AT, timeSource: "received", call: { key: "1f4a0c2e9b7d", direction: "inbound", from: "0744123456", to: "0215550100", leg: { key: "ext:12340101", role: "agent" }, agent: { externalId: "12340101" } } },
        { kind: "call.ringing" },
      ],
    },
    "answer-incoming.query": { urlEvent: "answer", events: [{ kind: "call.answered", call: { leg: { key: "ext:12340101" } } }] },
    "hangup-answered.form": {
      urlEvent: "hangup",
      events: [{ kind: "call.answered" }, { kind: "call.ended", scope: "leg", providerReason: "ANSWER" }, { kind: "call.summary", scope: "leg", talkSeconds: 42, recording: "rec-77" }],
    },
    "dial-out.query": {
      events: [{ kind: "call.created", call: { key: "9a8b7c6d", direction: "outbound", to: "0744999888", agent: { externalId: "1234*102", name: "Agent Smith" } } }, { kind: "call.ringing" }],
    },
    "answer-outgoing.form": { urlEvent: "answer", events: [{ kind: "call.answered", call: { direction: "outbound", leg: { key: "ext:1234*102" } } }] },
    "hangup-unanswered.query": { eventName: "hangup", events: [{ kind: "call.ended", scope: "leg", reason: "missed", providerReason: "UNKNOWN" }] },
  },
  voipex: {
    "seed-ringing.json": {
      eventName: "Ringing",
      dedupeKey: "Ringing:1412256225.1941:petr.novak:",
      events: [{ kind: "call.ringing", timeSource: "received", call: { key: "1412256225.1941", from: "777888999", to: "222333444", leg: { key: "agent:petr.novak", role: "agent" }, agent: { externalId: "petr.novak", extension: "444" } } }],
    },
    "newcall.json": { events: [{ kind: "call.created", call: { direction: "inbound", leg: { key: "caller", role: "customer", number: "777888999" }, queue: { externalId: "NOC" } } }] },
    "answered.json": { events: [{ kind: "call.answered", call: { leg: { key: "agent:janecek" }, agent: { externalId: "janecek" } } }] },
    "hangup-no-user-response.json": { events: [{ kind: "call.ended", scope: "leg", reason: "missed", providerReason: "No user response" }] },
    "hangup-answered-elsewhere.json": { events: [{ kind: "call.ended", scope: "leg", reason: "answered_elsewhere" }] },
    "hangup-normal-clearing.json": { events: [{ kind: "call.ended", scope: "leg", reason: "cancelled", providerReason: "Normal Clearing" }] },
    "attended-transfer.json": { events: [{ kind: "call.transferred", mode: "attended", cancelled: false, target: { number: "165" } }] },
    "cancel-attended-transfer.json": { events: [{ kind: "call.transferred", cancelled: true }] },
    "cdr.json": { events: [{ kind: "call.summary", scope: "call", providerReason: "Normal Clearing" }] },
    "agent-login.json": { dedupeKey: null, events: [{ kind: "agent.login", agent: { externalId: "janecek", extension: "163" }, queue: { externalId: "NOC" } }] },
    "agent-logout.json": { events: [{ kind: "agent.logout", agent: { externalId: "janecek" } }] },
    "agent-paused.json": { events: [{ kind: "agent.paused", reason: "Oběd", agent: { externalId: "janecek" } }] },
    "agent-unpaused.json": { events: [{ kind: "agent.unpaused" }] },
    "outgoing-local-lowercase.json": { events: [{ kind: "call.ringing", call: { direction: "internal", leg: { key: "remote", role: "customer", number: "165" }, agent: { externalId: "janecek" } } }] },
  },
  conpeek: {
    "seed-1-consultant-dialog-create.json": {
      eventName: "user_dialog:dialog_create",
      events: [
        {
          kind: "call.created",
          at: Date.UTC(2020, 7, 25, 16, 24, 41),
          timeSource: "provider",
          call: {
            key: "c2b19c63-f17b-4726-b3a1-5b5046e887ef",
            leg: { key: "c2b19c63-f17b-4726-b3a1-5b5046e887ef", role: "agent" },
            direction: "outbound",
            from: "48xxxxxxxxx5",
            to: "48xxxxxxxxx",
            agent: { externalId: "1", name: "Konsultant Paweł" },
            project: { externalId: "1", name: "Projekt Paweł" },
          },
        },
      ],
    },
    "seed-2-external-dialog-create.json": {
      events: [{ kind: "call.created", call: { key: "c2b19c63-f17b-4726-b3a1-5b5046e887ef", leg: { key: "bcfdaf62-87b7-4cd8-bd2e-b3d25a974b6d", role: "customer", number: "48xxxxxxxxx" } } }],
    },
    "seed-3-external-alerting.json": { events: [{ kind: "call.ringing", call: { leg: { key: "bcfdaf62-87b7-4cd8-bd2e-b3d25a974b6d" } } }] },
    "seed-4-external-answered.json": { events: [{ kind: "call.answered", at: Date.UTC(2020, 7, 25, 16, 25, 1) }, { kind: "call.resumed" }] },
    "seed-5-external-talking.json": { events: [{ kind: "call.answered" }, { kind: "call.resumed" }] },
    "seed-6-consultant-talking.json": { events: [{ kind: "call.answered", call: { leg: { key: "c2b19c63-f17b-4726-b3a1-5b5046e887ef" } } }, { kind: "call.resumed" }] },
    "seed-7-external-close-hangup.json": {
      events: [{ kind: "call.ended", scope: "leg", reason: "cancelled", providerReason: "HANGUP", call: { key: "c2b19c63-f17b-4726-b3a1-5b5046e887ef", leg: { key: "bcfdaf62-87b7-4cd8-bd2e-b3d25a974b6d" } } }],
    },
    "seed-8-consultant-close-dialog-left.json": {
      events: [{ kind: "call.ended", scope: "leg", reason: "missed", providerReason: "DIALOG_LEFT", call: { key: "c2b19c63-f17b-4726-b3a1-5b5046e887ef", agent: { externalId: "1" } } }],
    },
    "dialog-hold.json": { events: [{ kind: "call.held", call: { leg: { key: "c2b19c63-f17b-4726-b3a1-5b5046e887ef" } } }] },
    "dialog-meeting-entered.json": { events: [{ kind: "call.bridged", call: { leg: { key: "62c4e8ae-32ea-4bfb-ab79-c819b854879f", role: "agent" } } }] },
    "voice-campaign-request-closed.json": {
      eventName: "voice_campaign:voice_campaign_request_closed",
      events: [{ kind: "call.summary", scope: "leg", recording: "https://rec.example/5b9a80037bfc84794477fef1.mp3", call: { leg: { key: "bcfdaf62-87b7-4cd8-bd2e-b3d25a974b6d" } } }],
    },
    "voice-campaign-other.json": { outcome: "ignored", eventName: "voice_campaign:voice_campaign_request_created" },
  },
};

describe.each(PROVIDERS.map((provider) => [provider]))("%s normalizer", (provider) => {
  for (const [name, expected] of Object.entries(EXPECTED[provider])) {
    it(`${name}`, () => {
      const result = normalizeFixture(provider, name, expected.urlEvent, expected.keyMap);
      expect(result.outcome).toBe(expected.outcome ?? "events");
      if (expected.eventName && result.outcome !== "invalid") expect(result.eventName).toBe(expected.eventName);
      if (result.outcome !== "events") return;
      if (expected.dedupeKey !== undefined) expect(result.dedupeKey).toBe(expected.dedupeKey);
      // Every event is a valid canonical event...
      for (const event of result.events) expect(CanonicalEvent.parse(event)).toEqual(event);
      // ...and says what the provider meant.
      expect(result.events).toHaveLength(expected.events?.length ?? 0);
      expect(result.events).toMatchObject(expected.events ?? []);
    });
  }

  it("has an expectation for every fixture", () => {
    expect(fixtureNames(provider).sort()).toEqual(Object.keys(EXPECTED[provider]).sort());
  });
});

describe("provider drift", () => {
  it("TeleCMI: appid and app_id, true and \"true\", numbers and strings are the same", async () => {
    const { normalizeTeleCmi } = await import("@/server/providers/telecmi/normalize");
    const base = { type: "cdr", status: "answered", direction: "inbound", cmiuuid: "u1", time: 1634720920615, answeredsec: 11, filename: "f.mp3" };
    const a = normalizeTeleCmi({ fields: { ...base, app_id: 5, record: true }, receivedAt: 0, options: {} });
    const b = normalizeTeleCmi({ fields: { ...base, appid: "5", record: "true" }, receivedAt: 0, options: {} });
    expect(a).toEqual(b);
  });

  it("TeleCMI: a missing time uses the receive time", async () => {
    const { normalizeTeleCmi } = await import("@/server/providers/telecmi/normalize");
    const result = normalizeTeleCmi({ fields: { status: "waiting", cmiuuid: "u2", direction: "inbound" }, receivedAt: 42_000, options: {} });
    expect(result).toMatchObject({ events: [{ at: 42_000, timeSource: "received" }] });
  });

  it("PIOPIY: upper-case statuses and epoch seconds are normalized", async () => {
    const { normalizePiopiy } = await import("@/server/providers/piopiy/normalize");
    const result = normalizePiopiy({ fields: { status: "OUT_ANSWERED", cmiuuid: "p1", time: 1725942871, direction: "outbound" }, receivedAt: 1725942871000 + 5_000, options: {} });
    expect(result).toMatchObject({ events: [{ kind: "call.answered", at: 1725942871000 }] });
  });

  it("VoipNow: CallerIDName and CallerIDNam are both read", async () => {
    const { normalizeVoipNow } = await import("@/server/providers/voipnow/normalize");
    const fields = { CallID: "c", CallerExtension: "0101", CallFlow: "OUT", CallStatus: "CALLING" };
    const a = normalizeVoipNow({ fields: { ...fields, CallerIDName: "Ann" }, receivedAt: 1, options: {} });
    const b = normalizeVoipNow({ fields: { ...fields, CallerIDNam: "Ann" }, receivedAt: 1, options: {} });
    expect(a).toEqual(b);
    expect(a).toMatchObject({ events: [{ call: { agent: { name: "Ann" } } }, {}] });
  });

  it("VOIPEX: renamed body keys are read through the connection's key map", async () => {
    const { normalizeVoipex } = await import("@/server/providers/voipex/normalize");
    const result = normalizeVoipex({
      fields: { event: "AgentPaused", user: "janecek", pause: "Oběd" },
      receivedAt: 1,
      options: { keyMap: { EventName: "event", Login: "user", PauseName: "pause" } },
    });
    expect(result).toMatchObject({ outcome: "events", events: [{ kind: "agent.paused", reason: "Oběd", agent: { externalId: "janecek" } }] });
  });

  it("Conpeek: event_time is UTC", async () => {
    const { utcTextMs } = await import("@/server/providers/shared/fields");
    expect(utcTextMs("2020-08-25 16:24:41")).toBe(Date.parse("2020-08-25T16:24:41Z"));
  });
});
