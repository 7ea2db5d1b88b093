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

  // The reported repros and the minimal cases the fuzz found, as fixed cases: the same guarantees, without relying on
  // the generator to find them again. Each is a sequence of deliveries of one provider, one second apart.
  const get = (suffix: string, query: string): FuzzRequest => ({ ...json("voipnow", ""), method: "GET", suffix, query, contentType: null });
  const deep = `${'{"a":'.repeat(30_000)}1${"}".repeat(30_000)}`;
  const cases: [string, FuzzRequest[]][] = [
    ["TeleCMI time \"1e300\"", [json("telecmi", '{"type":"event","status":"waiting","cmiuuid":"b1","conversation_uuid":"b1","time":"1e300"}')]],
    ["TeleCMI time 9e15", [json("telecmi", '{"type":"event","status":"waiting","cmiuuid":"b2","conversation_uuid":"b2","time":9e15}')]],
    ["TeleCMI time 1 (1970)", [json("telecmi", '{"type":"event","status":"waiting","cmiuuid":"b3","time":1}')]],
    ["TeleCMI CDR answeredsec \"1e300\"", [json("telecmi", '{"type":"cdr","status":"answered","cmiuuid":"b4","time":1634720920615,"answeredsec":"1e300"}')]],
    [
      "TeleCMI leg event after the call's CDR",
      [
        json("telecmi", '{"type":"cdr","status":"missed","cmiuuid":"c1","conversation_uuid":"k1","time":1634720920615,"direction":"inbound"}'),
        json("telecmi", '{"type":"event","status":"started","cmiuuid":"c2","conversation_uuid":"k1","time":1634720930615,"direction":"inbound","leg":"b","user":"1_2"}'),
      ],
    ],
    [
      "TeleCMI answered event without a time after the call's hangup (receive time mixed with provider time)",
      [
        json("telecmi", '{"type":"event","status":"hangup","cmiuuid":"m2","conversation_uuid":"m2","time":1634720920615,"direction":"inbound"}'),
        json("telecmi", '{"type":"event","status":"answered","cmiuuid":"m2","conversation_uuid":"m2","direction":"inbound"}'),
      ],
    ],
    ["PIOPIY time \"1e300\"", [json("piopiy", '{"status":"ringing","cmiuuid":"p1","conversation_uuid":"p1","time":"1e300"}')]],
    ["PIOPIY ws_status nested 30,000 deep", [json("piopiy", `{"status":"stream_connected","cmiuuid":"p2","conversation_uuid":"p2","ws_status":${deep}}`)]],
    ["PIOPIY ws_status with a numeric status and 30,000-deep nesting", [json("piopiy", `{"status":"stream_connected","cmiuuid":"p3","ws_status":{"status":1,"x":${deep}}}`)]],
    ["PIOPIY CDR answer_time \"1e-300\"", [json("piopiy", '{"type":"cdr","status":"answered","cmiuuid":"p4","time":1632307235000,"start_time":1632307238,"answer_time":"1e-300","end_time":1632307265}')]],
    ["PIOPIY CDR end_time before answer_time", [json("piopiy", '{"type":"cdr","status":"answered","cmiuuid":"p5","time":1632307235000,"start_time":1632307238,"answer_time":1632307265,"end_time":1632307241}')]],
    ["PIOPIY CDR without start_time whose time is after answer_time", [json("piopiy", '{"type":"cdr","status":"answered","cmiuuid":"p7","time":1632318511000,"start_time":"","answer_time":1632318500,"end_time":1632318513}')]],
    ["PIOPIY CDR unreadable end_time", [json("piopiy", '{"type":"cdr","status":"answered","cmiuuid":"p6","time":1632307235000,"answer_time":1632307241,"end_time":"x"}')]],
    ["VoipNow dial-in for another extension after hangup", [get("/hangup", "CallID=v1&CalledExtension=111&CallFlow=IN"), get("/dial-in", "CallID=v1&CalledExtension=222&CallFlow=IN")]],
    ["VoipNow hangup Duration=1e300", [get("/hangup", "CallID=v2&CalledExtension=111&CallFlow=IN&CallStatus=ANSWER&Duration=1e300")]],
    ["Conpeek event_time in the year 9999", [json("conpeek", '{"event_type":"user_dialog","event_name":"dialog_state_update","event_time":"9999-12-31 23:59:59","dialog_uuid":"c1","state":"alerting"}')]],
  ];
  for (const [name, requests] of cases) {
    it(`repro: ${name}: no throw, every event and call sane`, () => {
      const provider = requests[0]!.provider;
      const live = new LiveState(DEFAULT_LIVE_OPTIONS);
      const problems = requests.flatMap((r, i) => runPipeline(live, { id: `fixed-${provider}`, provider }, r, PURE_RECEIVED_AT + i * 1000).problems);
      expect(problems).toEqual([]);
    });
  }
});
