import type { ProviderId } from "../domain/events";
import { normalizeConpeek } from "./conpeek/normalize";
import { normalizePiopiy } from "./piopiy/normalize";
import { normalizeTeleCmi } from "./telecmi/normalize";
import type { ProviderAdapter } from "./types";
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
