-- Names admins give agents, queues and projects (/admin/names, server/domain/names.ts). Written only by the admin
-- action, never by the webhook writer, so provider events cannot overwrite them. NULL: the default name.
ALTER TABLE "Agent" ADD COLUMN "displayName" TEXT;
ALTER TABLE "Queue" ADD COLUMN "displayName" TEXT;
ALTER TABLE "Project" ADD COLUMN "displayName" TEXT;
