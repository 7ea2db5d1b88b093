import { z } from "zod";
import { cmiFields } from "../shared/cmi-fields";
import { count, flag, text } from "../shared/fields";

/**
 * PIOPIY (TeleCMI CPaaS) live event or CDR (`type: "cdr"`). Statuses arrive in any case
 * (`STREAM_DISCONNECTED`); `time` is epoch ms while CDR `start_time`/`answer_time`/`end_time` are seconds.
 */
export const PiopiyBody = z
  .object({
    ...cmiFields,
    vn: text,
    start_time: text,
    answer_time: text,
    end_time: text,
    duration: count,
    record_url: text,
    ws_status: z.union([z.string(), z.record(z.string(), z.unknown()), z.null()]).optional(),
    out: flag,
    api_init: flag,
  })
  .loose();
export type PiopiyBody = z.infer<typeof PiopiyBody>;

/** `ws_status` is a JSON document inside a JSON string: `{"status":"disconnected","message":{...}}`. */
const WsStatus = z
  .object({
    status: z.string().optional(),
    message: z.union([z.string(), z.object({ code: z.unknown().optional(), reason: z.unknown().optional() }).loose()]).optional(),
  })
  .loose();

export function describeWsStatus(raw: PiopiyBody["ws_status"]): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  const parsed = WsStatus.safeParse(value);
  if (!parsed.success) return typeof raw === "string" ? raw : JSON.stringify(raw);
  const { status, message } = parsed.data;
  const detail =
    typeof message === "string"
      ? message
      : message
        ? [message.code, message.reason].filter((part) => part !== undefined && part !== null).join(" ")
        : "";
  return [status, detail].filter(Boolean).join(": ") || undefined;
}
