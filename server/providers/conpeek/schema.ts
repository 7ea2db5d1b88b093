import { z } from "zod";
import { id, text } from "../shared/fields";

/**
 * Conpeek webhook bodies. `user_dialog` events describe one dialog (one side of a call); the dialogs of a
 * call are linked through `initial_application_info.data.caller_dialog_uuid`. `event_time` is UTC text.
 */
const TenantUser = z
  .object({ id: id, username: text, firstname: text, surname: text, display_name: text, outbound_name: text })
  .loose();
const Project = z.object({ id: id, name: text }).loose();
const AppInfo = z
  .object({
    type: text,
    side: text,
    data: z
      .object({ caller_dialog_uuid: text, caller_number: text, tenant_user: TenantUser.optional().nullable() })
      .loose()
      .optional()
      .nullable(),
  })
  .loose();

export const ConpeekDialog = z
  .object({
    event_type: z.literal("user_dialog"),
    event_name: id,
    event_time: text,
    dialog_uuid: id,
    dialog_type: text.transform((s) => s?.toUpperCase()),
    direction: text.transform((s) => s?.toUpperCase()),
    business_direction: text.transform((s) => s?.toUpperCase()),
    state: text.transform((s) => s?.toLowerCase()),
    close_cause: text.transform((s) => s?.toUpperCase()),
    self_target: text,
    peer_target: text,
    from_display_target: text,
    to_display_target: text,
    meeting_uuid: text,
    initial_application_info: AppInfo.optional().nullable(),
    tenant_user: TenantUser.optional().nullable(),
    project: Project.optional().nullable(),
  })
  .loose();
export type ConpeekDialog = z.infer<typeof ConpeekDialog>;

export const ConpeekVoiceCampaign = z
  .object({
    event_type: z.literal("voice_campaign"),
    event_name: id,
    event_time: text,
    recording_url: text,
    dialogs: z.array(z.object({ dialog_uuid: text, uuid: text }).loose()).optional().nullable(),
    data: z.object({ id: text, contact_number: text }).loose().optional().nullable(),
  })
  .loose();

export const ConpeekEnvelope = z.object({ event_type: id, event_name: id }).loose();
