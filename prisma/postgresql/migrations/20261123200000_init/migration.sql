-- The whole schema for PostgreSQL as of the SQLite migrations up to 20261123122000_thresholds_alerts
-- (made with `migrate diff --from-empty --to-schema-datamodel prisma/postgresql/schema.prisma`), plus the phone-number
-- search the SQLite side does with an FTS5 trigram table: here pg_trgm GIN indexes on the two number columns, used
-- by `LIKE '%digits%'` (server/history/calls-query.ts).
-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "authType" TEXT NOT NULL DEFAULT 'none',
    "authUser" TEXT,
    "authSecret" TEXT,
    "authHeader" TEXT,
    "keyMap" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "contentType" TEXT,
    "query" TEXT NOT NULL,
    "bodyText" TEXT NOT NULL,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "outcome" TEXT NOT NULL,
    "httpStatus" INTEGER NOT NULL,
    "error" TEXT,
    "eventName" TEXT,
    "dedupeKey" TEXT,
    "duplicateOf" TEXT,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallEvent" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "callId" TEXT,
    "agentId" TEXT,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "timeSource" TEXT NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "CallEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Call" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "externalKey" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "fromNumber" TEXT,
    "toNumber" TEXT,
    "agentId" TEXT,
    "queueId" TEXT,
    "projectId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "waitSeconds" INTEGER,
    "talkSeconds" INTEGER,
    "recording" TEXT,
    "detail" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Leg" (
    "id" TEXT NOT NULL,
    "callId" TEXT NOT NULL,
    "externalKey" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "agentId" TEXT,
    "number" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,

    CONSTRAINT "Leg_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT,
    "displayName" TEXT,
    "extension" TEXT,
    "presence" TEXT NOT NULL,
    "pauseReason" TEXT,
    "presenceSince" TIMESTAMP(3) NOT NULL,
    "queueIds" TEXT NOT NULL DEFAULT '[]',
    "projectIds" TEXT NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL,

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Queue" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "displayName" TEXT,

    CONSTRAINT "Queue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "displayName" TEXT,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "queueIds" TEXT NOT NULL DEFAULT '[]',
    "projectIds" TEXT NOT NULL DEFAULT '[]',
    "locale" TEXT,
    "timeZone" TEXT,
    "theme" TEXT NOT NULL DEFAULT 'system',
    "alertSound" BOOLEAN NOT NULL DEFAULT false,
    "alertNotify" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserAgent" (
    "userId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,

    CONSTRAINT "UserAgent_pkey" PRIMARY KEY ("userId","agentId")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Threshold" (
    "groupId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "amber" DOUBLE PRECISION,
    "amberOff" BOOLEAN NOT NULL DEFAULT false,
    "red" DOUBLE PRECISION,
    "redOff" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Threshold_pkey" PRIMARY KEY ("groupId","metric")
);

-- CreateTable
CREATE TABLE "AlertWebhook" (
    "groupId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastStatus" TEXT,
    "lastAt" TIMESTAMP(3),
    "lastDetail" TEXT,

    CONSTRAINT "AlertWebhook_pkey" PRIMARY KEY ("groupId")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "groupKind" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "peakAt" TIMESTAMP(3) NOT NULL,
    "peakValue" DOUBLE PRECISION NOT NULL,
    "endedAt" TIMESTAMP(3),
    "lastValue" DOUBLE PRECISION NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Connection_key_key" ON "Connection"("key");

-- CreateIndex
CREATE INDEX "Delivery_connectionId_dedupeKey_idx" ON "Delivery"("connectionId", "dedupeKey");

-- CreateIndex
CREATE INDEX "Delivery_connectionId_receivedAt_idx" ON "Delivery"("connectionId", "receivedAt");

-- CreateIndex
CREATE INDEX "Delivery_receivedAt_idx" ON "Delivery"("receivedAt");

-- CreateIndex
CREATE INDEX "CallEvent_callId_id_idx" ON "CallEvent"("callId", "id");

-- CreateIndex
CREATE INDEX "CallEvent_deliveryId_idx" ON "CallEvent"("deliveryId");

-- CreateIndex
CREATE INDEX "Call_state_idx" ON "Call"("state");

-- CreateIndex
CREATE INDEX "Call_startedAt_idx" ON "Call"("startedAt");

-- CreateIndex
CREATE INDEX "Call_agentId_startedAt_idx" ON "Call"("agentId", "startedAt");

-- CreateIndex
CREATE INDEX "Call_queueId_startedAt_idx" ON "Call"("queueId", "startedAt");

-- CreateIndex
CREATE INDEX "Call_projectId_startedAt_idx" ON "Call"("projectId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Call_connectionId_externalKey_key" ON "Call"("connectionId", "externalKey");

-- CreateIndex
CREATE INDEX "Leg_agentId_idx" ON "Leg"("agentId");

-- CreateIndex
CREATE INDEX "Leg_externalKey_idx" ON "Leg"("externalKey");

-- CreateIndex
CREATE UNIQUE INDEX "Leg_callId_externalKey_key" ON "Leg"("callId", "externalKey");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_connectionId_externalId_key" ON "Agent"("connectionId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Queue_connectionId_externalId_key" ON "Queue"("connectionId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Project_connectionId_externalId_key" ON "Project"("connectionId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "UserAgent_agentId_idx" ON "UserAgent"("agentId");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "Alert_endedAt_idx" ON "Alert"("endedAt");

-- CreateIndex
CREATE INDEX "Alert_startedAt_idx" ON "Alert"("startedAt");

-- CreateIndex
CREATE INDEX "Alert_groupId_startedAt_idx" ON "Alert"("groupId", "startedAt");


-- Phone-number search (trigram indexes: pg_trgm ships with PostgreSQL's contrib modules).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Call_fromNumber_trgm_idx" ON "Call" USING GIN ("fromNumber" gin_trgm_ops);
CREATE INDEX "Call_toNumber_trgm_idx" ON "Call" USING GIN ("toNumber" gin_trgm_ops);
