-- The queues and projects each agent works (server/domain/membership.ts): who may see the agent.
ALTER TABLE "Agent" ADD COLUMN "queueIds" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "Agent" ADD COLUMN "projectIds" TEXT NOT NULL DEFAULT '[]';

-- Learnt from what is already stored, the way the live state learns it: the queue/project of every call the agent is
-- the agent of or has a leg on, and the queue every agent event of theirs named.
UPDATE "Agent" SET "queueIds" = (
  SELECT json_group_array("id") FROM (
    SELECT c."queueId" AS "id" FROM "Call" c
    WHERE c."queueId" IS NOT NULL
      AND (c."agentId" = "Agent"."id" OR c."id" IN (SELECT l."callId" FROM "Leg" l WHERE l."agentId" = "Agent"."id"))
    UNION
    SELECT q."id" FROM "CallEvent" e
    JOIN "Queue" q ON q."connectionId" = e."connectionId" AND q."externalId" = json_extract(e."payload", '$.queue.externalId')
    WHERE e."agentId" = "Agent"."id" AND e."kind" LIKE 'agent.%'
    ORDER BY 1
  )
);
UPDATE "Agent" SET "projectIds" = (
  SELECT json_group_array("id") FROM (
    SELECT c."projectId" AS "id" FROM "Call" c
    WHERE c."projectId" IS NOT NULL
      AND (c."agentId" = "Agent"."id" OR c."id" IN (SELECT l."callId" FROM "Leg" l WHERE l."agentId" = "Agent"."id"))
    ORDER BY 1
  )
);
