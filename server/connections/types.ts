import { z } from "zod";
import { ProviderId } from "../domain/events";

export const AuthType = z.enum(["none", "basic", "bearer", "header"]);
export type AuthType = z.infer<typeof AuthType>;

export const KeyMap = z.record(z.string(), z.string());

/** A configured webhook source, as the ingest path needs it. */
export const ConnectionConfig = z.object({
  id: z.string(),
  provider: ProviderId,
  name: z.string(),
  key: z.string().min(16),
  authType: AuthType,
  authUser: z.string().nullable(),
  authSecret: z.string().nullable(),
  authHeader: z.string().nullable(),
  keyMap: KeyMap.nullable(),
});
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;

/**
 * What an admin sets on a connection. Secrets are only written when given (empty keeps the stored one). A rule's issue
 * carries `params.id`, which the admin pages translate (app/admin/describe-error.ts); the message is for logs and the API.
 */
export const ConnectionInput = z
  .object({
    provider: ProviderId,
    name: z.string().trim().min(1).max(120),
    authType: AuthType,
    authUser: z.string().trim().max(200).optional(),
    authSecret: z.string().max(500).optional(),
    authHeader: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-_]*$/, "a header name has only letters, digits, - and _")
      .max(100)
      .optional(),
    keyMap: z.string().trim().max(5000).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.authType === "basic" && input.provider !== "voipex") ctx.addIssue({ code: "custom", path: ["authType"], message: "Basic auth is a VOIPEX setting", params: { id: "basicIsVoipex" } });
    if (input.authType === "bearer" && input.provider !== "voipex") ctx.addIssue({ code: "custom", path: ["authType"], message: "Bearer tokens are a VOIPEX setting", params: { id: "bearerIsVoipex" } });
    if (input.authType === "header" && input.provider !== "conpeek") ctx.addIssue({ code: "custom", path: ["authType"], message: "A custom header is a Conpeek setting", params: { id: "headerIsConpeek" } });
    if (input.authType === "basic" && !input.authUser) ctx.addIssue({ code: "custom", path: ["authUser"], message: "Basic auth needs a login", params: { id: "basicNeedsLogin" } });
    if (input.authType === "header" && !input.authHeader) ctx.addIssue({ code: "custom", path: ["authHeader"], message: "name the header Conpeek sends", params: { id: "headerNeedsName" } });
    if (input.keyMap) {
      try {
        KeyMap.parse(JSON.parse(input.keyMap));
      } catch {
        ctx.addIssue({ code: "custom", path: ["keyMap"], message: 'the key map is a JSON object like {"EventName": "event"}', params: { id: "keyMapJson" } });
      }
    }
  });
export type ConnectionInput = z.input<typeof ConnectionInput>;
