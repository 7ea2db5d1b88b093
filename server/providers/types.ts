import type { CanonicalEvent, ProviderId } from "../domain/events";

/** What a normalizer sees of one delivery: the parsed fields plus what only the receiver knows. */
export interface NormalizeInput {
  /** Body (or query string) fields, as parsed: numbers may be numbers or raw strings. */
  fields: Record<string, unknown>;
  /** Receive time, epoch ms: used where the provider sends no timestamp. */
  receivedAt: number;
  /** Event named by the URL (VoipNow sends one URL per event and no event name). */
  urlEvent?: string;
  /** Per-connection options (VOIPEX key map). */
  options: ConnectionOptions;
}

export interface ConnectionOptions {
  /** Our field name → the key the customer's VOIPEX sends instead. */
  keyMap?: Record<string, string>;
}

export type NormalizeResult =
  | {
      outcome: "events";
      eventName: string;
      /** The provider's identity of this event: a repeat with the same key is a duplicate. Null: none exists. */
      dedupeKey: string | null;
      events: CanonicalEvent[];
    }
  | { outcome: "ignored"; eventName: string; reason: string }
  | { outcome: "invalid"; reason: string };

export interface ProviderAdapter {
  id: ProviderId;
  label: string;
  /** HTTP methods the provider uses. */
  methods: readonly ("GET" | "POST")[];
  /** Events that have their own URL (VoipNow); empty when the body names the event. */
  urlEvents: readonly string[];
  normalize(input: NormalizeInput): NormalizeResult;
}
