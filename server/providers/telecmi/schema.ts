import { z } from "zod";
import { count, flag, id, text } from "../shared/fields";

/**
 * TeleCMI (CHUB) notification: `type` "event" (live) or "cdr". Drift tolerated: `app_id`/`appid`,
 * numbers as numbers or strings (or the invalid `04471000000`), `record`/`click_to_call` as `true`/`"true"`.
 */
export const TeleCmiBody = z
  .object({
    type: text,
    status: id.transform((s) => s.toLowerCase()),
    direction: text.transform((s) => s?.toLowerCase()),
    leg: text.transform((s) => s?.toLowerCase()),
    cmiuuid: id,
    conversation_uuid: text,
    request_id: text,
    user: text,
    team: text,
    from: text,
    to: text,
    callerid: text,
    app_id: text,
    appid: text,
    time: text,
    answeredsec: count,
    waitedsec: count,
    hangup_reason: text,
    record: flag,
    filename: text,
    voicemail: flag,
    voicename: text,
    click_to_call: flag,
    ivr_name: text,
  })
  .loose();
export type TeleCmiBody = z.infer<typeof TeleCmiBody>;
