import { z } from "zod";
import { count, flag, id, text } from "../shared/fields";

/**
 * 4PSA VoipNow CallAPI Events request parameters (query string for GET, form body for POST). There is no
 * event name and no timestamp. `CallerIDNam` is how the KB spells `CallerIDName`; both are accepted.
 * `Bridged`, `Transfered`, `RemoteNumber`, `RecID`, `SubCallID`, `Duration` come from VoipNow-based platforms.
 */
export const VoipNowParams = z
  .object({
    CallID: id,
    CallerIDNum: text,
    CallerIDName: text,
    CallerIDNam: text,
    CalledDID: text,
    CalledExtension: text,
    CallStatus: text.transform((s) => s?.toUpperCase()),
    CallFlow: text.transform((s) => s?.toUpperCase()),
    CallerExtension: text,
    CalledNumber: text,
    Bridged: flag,
    Transfered: flag,
    RemoteNumber: text,
    RecID: text,
    SubCallID: text,
    Duration: count,
  })
  .loose();
export type VoipNowParams = z.infer<typeof VoipNowParams>;

/** The events VoipNow can be configured to call a URL for; each gets its own URL. */
export const VOIPNOW_EVENTS = ["dial-in", "dial-out", "answer", "hangup"] as const;
export type VoipNowEvent = (typeof VOIPNOW_EVENTS)[number];
