import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeNext } from "@/app/lib/session";

const ORIGIN = "https://callboard.example";
/** Where a browser goes when it follows `Location: <value>` from our page (the WHATWG URL parser, as browsers use it). */
const destination = (location: string) => new URL(location, `${ORIGIN}/sign-in`).origin;

describe("safeNext: after sign-in, only ever to a path on this site (issue 7, defect 2)", () => {
  it("refuses what browsers turn into another site", () => {
    // Browsers strip tab/newline/CR inside URLs and read `\` as `/`: each of these becomes `//evil.example/…`.
    const hostile = ["/\t/evil.example/", "/\n/evil.example/", "/\r\n/evil.example/", "/\\evil.example/", "\\\\evil.example", "/\t\\evil.example",
      "//evil.example", "///evil.example", "https://evil.example/", "javascript:alert(1)", " //evil.example", "\t//evil.example", "/\u0000/evil.example", "evil.example",
      // Dot segments that normalize to a protocol-relative path (found by the property test below).
      "/..//evil.example", "/./..//evil.example", "/a/../..//evil.example", "/..//"];
    for (const next of hostile) {
      expect(safeNext(next), JSON.stringify(next)).toBe("/");
    }
  });

  it("keeps local paths with their query (encoded slashes are just characters of a local path)", () => {
    expect(safeNext("/history?from=2026-01-01&agent=a1")).toBe("/history?from=2026-01-01&agent=a1");
    expect(safeNext("/admin/users")).toBe("/admin/users");
    expect(destination(safeNext("/%2F%2Fevil.example"))).toBe(ORIGIN);
    expect(destination(safeNext("/%09/evil.example"))).toBe(ORIGIN);
    expect(safeNext(undefined)).toBe("/");
    expect(safeNext("")).toBe("/");
  });

  it("whatever it is given, the browser stays on this site", () => {
    const piece = fc.constantFrom("/", "\\", "\t", "\n", "\r", " ", ".", "..", "evil.example", ":", "%2f", "%5c", "%09", "@", "\u0000", "\u000b", "\u000c", "http", "?", "#", "a");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("")), (next) => {
        const result = safeNext(next);
        expect(result.startsWith("/")).toBe(true);
        expect(destination(result)).toBe(ORIGIN);
      }),
      { numRuns: 3000 },
    );
  });
});
