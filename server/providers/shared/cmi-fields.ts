import { flag, id, text } from "./fields";

const lower = text.transform((s) => s?.toLowerCase());

/**
 * Fields TeleCMI's platforms (CHUB and its CPaaS PIOPIY) send the same way: statuses in any case, `app_id` or
 * `appid`, numbers as numbers or strings, `record` as `true` or `"true"`, `time` in epoch ms.
 */
export const cmiFields = {
  type: text,
  status: id.transform((s) => s.toLowerCase()),
  direction: lower,
  leg: lower,
  cmiuuid: id,
  conversation_uuid: text,
  request_id: text,
  from: text,
  to: text,
  callerid: text,
  app_id: text,
  appid: text,
  time: text,
  record: flag,
  filename: text,
};
