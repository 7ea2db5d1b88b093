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
