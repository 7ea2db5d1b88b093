import { z } from "zod";
import { CanonicalEvent, type ProviderId } from "../domain/events";
import { describeZodError } from "./shared/fields";
import { normalizeConpeek } from "./conpeek/normalize";
import { normalizePiopiy } from "./piopiy/normalize";
import { normalizeTeleCmi } from "./telecmi/normalize";
import type { NormalizeInput, NormalizeResult, ProviderAdapter } from "./types";
import { normalizeVoipex } from "./voipex/normalize";
import { VOIPNOW_EVENTS } from "./voipnow/schema";
import { normalizeVoipNow } from "./voipnow/normalize";

/** Each provider's adapter. The exhaustive switch makes a provider without one a compile error. */
export function providerAdapter(id: ProviderId): ProviderAdapter {
  switch (id) {
    case "telecmi":
      return { id, label: "TeleCMI", methods: ["POST", "GET"], urlEvents: [], normalize: normalizeTeleCmi };
    case "piopiy":
      return { id, label: "PIOPIY", methods: ["POST"], urlEvents: [], normalize: normalizePiopiy };
    case "voipnow":
      return { id, label: "4PSA VoipNow", methods: ["GET", "POST"], urlEvents: VOIPNOW_EVENTS, normalize: normalizeVoipNow };
    case "voipex":
      return { id, label: "IPEX VOIPEX", methods: ["POST"], urlEvents: [], normalize: normalizeVoipex };
    case "conpeek":
      return { id, label: "Conpeek", methods: ["POST"], urlEvents: [], normalize: normalizeConpeek };
    default: {
      const unknown: never = id;
      throw new Error(`no adapter for provider ${String(unknown)}`);
    }
  }
}

const CanonicalEvents = z.array(CanonicalEvent);

/**
 * Normalizes one delivery and holds its events to the canonical schema (bounded times and durations, closed enums):
 * nothing a provider sends reaches the reducer or the database outside those bounds. A normalizer that throws on
 * some input is a bug; the delivery is answered as invalid (and kept), never with a 5xx.
 */
export function normalizeDelivery(adapter: ProviderAdapter, input: NormalizeInput): NormalizeResult {
  let result: NormalizeResult;
  try {
    result = adapter.normalize(input);
  } catch (error) {
    return { outcome: "invalid", reason: `${adapter.label} payload could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (result.outcome !== "events") return result;
  const checked = CanonicalEvents.safeParse(result.events);
  if (!checked.success) return { outcome: "invalid", reason: `event out of range: ${describeZodError(checked.error)}` };
  return { ...result, events: checked.data };
}
