/**
 * The pure pipeline property, shared by the suite and `npm run fuzz`: for any sequence of mutated deliveries of one
 * provider, parse → normalize → reduce never throws, every event satisfies CanonicalEvent with sane times and
 * durations, and every call the reducer yields has finite, ordered times.
 */
import fc from "fast-check";
import type { ProviderId } from "@/server/domain/events";
import { DEFAULT_LIVE_OPTIONS, LiveState } from "@/server/live/live-state";
import { deliveryArb, describeRequest, type FuzzRequest } from "./arbitraries";
import { runPipeline } from "./pipeline";

/** A fixed receive time keeps counterexamples reproducible from their seed. */
export const PURE_RECEIVED_AT = Date.UTC(2026, 10, 21, 12, 0, 0);

export function pipelineProperty(provider: ProviderId) {
  return fc.property(fc.array(deliveryArb(provider), { minLength: 1, maxLength: 6 }), (requests: FuzzRequest[]) => {
    const live = new LiveState(DEFAULT_LIVE_OPTIONS);
    const connection = { id: `fuzz-${provider}`, provider };
    requests.forEach((request, index) => {
      const { problems } = runPipeline(live, connection, request, PURE_RECEIVED_AT + index * 1000);
      if (problems.length > 0) throw new Error(`delivery ${index + 1} of ${requests.length}: ${problems.join("; ")}\n  ${describeRequest(request)}`);
    });
  });
}
