import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LenientJsonError, parseJsonBody, parseLenientJson } from "@/server/providers/shared/lenient-json";

describe("lenient JSON reader", () => {
  it("reads the TeleCMI seed body exactly as written (leading-zero number, missing comma)", () => {
    const text = fs.readFileSync(path.join(import.meta.dirname, "../fixtures/telecmi/seed-outgoing-answered-leg-a.txt"), "utf8");
    expect(() => JSON.parse(text)).toThrow();
    const value = parseJsonBody(text) as Record<string, unknown>;
    expect(value.callerid).toBe("04471000000");
    expect(value.request_id).toBe("s96C6XK1BUHX0oVZfOo5NhoJfZZJd0y1nmrNN6dhdkW");
    expect(value.status).toBe("answered");
    expect(value.to).toBe("9100000000");
    expect(value.click_to_call).toBe("true");
  });

  it("reads JavaScript-style documentation samples: bare keys, single quotes, trailing commas", () => {
    expect(parseLenientJson("{appid: 2222224, ws_status: '{\"status\":\"connected\"}', leg: 'b',}")).toEqual({
      appid: "2222224",
      ws_status: '{"status":"connected"}',
      leg: "b",
    });
  });

  it("keeps numbers as their exact text, and understands nested values and escapes", () => {
    expect(parseLenientJson('{"a": [1, -2.5e3, 007], "b": {"c": null, "d": true}, "e": "x\\n\\u0041"}')).toEqual({
      a: ["1", "-2.5e3", "007"],
      b: { c: null, d: true },
      e: "x\nA",
    });
  });

  it("uses strict JSON when the body is valid (numbers stay numbers)", () => {
    expect(parseJsonBody('{"time": 1571122196059}')).toEqual({ time: 1571122196059 });
  });

  it("rejects what is not JSON-like, with a position", () => {
    expect(() => parseJsonBody('{"status": "answered",')).toThrow(LenientJsonError);
    expect(() => parseJsonBody("<xml/>")).toThrow(/position/);
    expect(() => parseJsonBody('{"a": 1} trailing')).toThrow(/trailing/);
    expect(() => parseJsonBody('{"a": "unterminated}')).toThrow(/unterminated/);
  });
});
