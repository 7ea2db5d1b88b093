import { z } from "zod";
import { cmiFields } from "../shared/cmi-fields";
import { count, flag, text } from "../shared/fields";

/**
 * TeleCMI (CHUB) notification: `type` "event" (live) or "cdr". Drift tolerated: `app_id`/`appid`,
 * numbers as numbers or strings (or the invalid `04471000000`), `record`/`click_to_call` as `true`/`"true"`.
 */
export const TeleCmiBody = z
  .object({
    ...cmiFields,
    user: text,
    team: text,
    answeredsec: count,
    waitedsec: count,
    hangup_reason: text,
    voicemail: flag,
    voicename: text,
    click_to_call: flag,
    ivr_name: text,
  })
  .loose();
export type TeleCmiBody = z.infer<typeof TeleCmiBody>;
