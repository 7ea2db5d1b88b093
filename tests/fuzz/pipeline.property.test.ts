import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROVIDERS } from "@/server/domain/events";
import { DEFAULT_LIVE_OPTIONS, LiveState } from "@/server/live/live-state";
import type { FuzzRequest } from "./arbitraries";
import { runPipeline } from "./pipeline";
import { PURE_RECEIVED_AT, pipelineProperty } from "./pipeline-property";

const json = (provider: FuzzRequest["provider"], body: string): FuzzRequest => ({
  provider, target: "valid", credentials: "valid", method: "POST", suffix: "", query: "", contentType: "application/json", body, origin: "hand-written",
});

describe("pure pipeline under fuzzed deliveries", () => {
  // FUZZ_SEED reproduces a failure the suite printed; each provider gets its own run.
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  for (const provider of PROVIDERS) {
    it(`${provider}: parse → normalize → reduce never throws and yields valid, sane events and calls`, () => {
      fc.assert(pipelineProperty(provider), { numRuns: 300, seed });
    });
  }

  // The reported repros, as fixed cases: the same guarantees, without relying on the generator to find them.
  const cases: [FuzzRequest["provider"], string][] = [
    ["telecmi", '{"type":"event","status":"waiting","cmiuuid":"b1","conversation_uuid":"b1","time":"1e300"}'],
    ["telecmi", '{"type":"event","status":"waiting","cmiuuid":"b2","conversation_uuid":"b2","time":9e15}'],
    ["piopiy", '{"status":"ringing","cmiuuid":"p1","conversation_uuid":"p1","time":"1e300"}'],
    ["piopiy", `{"status":"stream_connected","cmiuuid":"p2","conversation_uuid":"p2","ws_status":${'{"a":'.repeat(30_000)}1${"}".repeat(30_000)}}`],
    ["piopiy", `{"status":"stream_connected","cmiuuid":"p3","conversation_uuid":"p3","ws_status":{"status":1,"x":${'{"a":'.repeat(30_000)}1${"}".repeat(30_000)}}}`],
    ["conpeek", '{"event_type":"user_dialog","event_name":"dialog_state_update","event_time":"9999-12-31 23:59:59","dialog_uuid":"c1","state":"alerting"}'],
  ];
  for (const [provider, body] of cases) {
    it(`${provider} repro ${body.slice(0, 90)}…: no throw, every event sane`, () => {
      const live = new LiveState(DEFAULT_LIVE_OPTIONS);
      const result = runPipeline(live, { id: `fixed-${provider}`, provider }, json(provider, body), PURE_RECEIVED_AT);
      expect(result.problems).toEqual([]);
    });
  }
});
