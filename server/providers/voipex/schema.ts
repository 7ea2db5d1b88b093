import { z } from "zod";
import { count, id, text } from "../shared/fields";

/**
 * IPEX VOIPEX webhook body (JSON, HTTP Basic or Bearer auth). Keys can be renamed by the customer: the
 * connection's key map is applied before this schema. There is no timestamp in the payload.
 */
export const VoipexBody = z
  .object({
    EventName: id,
    From: text,
    To: text,
    Line: text,
    Email: text,
    Login: text,
    UniqueId: text,
    Queue: text,
    Direction: text,
    Reason: text,
    PauseName: text,
    // CDR figures, when the PBX sends them (not in the published list; accepted if present).
    Duration: count,
    BillSec: count,
    Billsec: count,
    Recording: text,
  })
  .loose();
export type VoipexBody = z.infer<typeof VoipexBody>;

export const VOIPEX_FIELDS = [
  "EventName", "From", "To", "Line", "Email", "Login", "UniqueId", "Queue", "Direction", "Reason", "PauseName",
] as const;

/** Applies a connection's key map: `{ "EventName": "event" }` reads our `EventName` from their `event`. */
export function applyKeyMap(fields: Record<string, unknown>, keyMap: Record<string, string> | undefined) {
  if (!keyMap) return fields;
  const out: Record<string, unknown> = { ...fields };
  for (const [ours, theirs] of Object.entries(keyMap)) {
    if (theirs in fields) out[ours] = fields[theirs];
  }
  return out;
}
