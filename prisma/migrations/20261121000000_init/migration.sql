-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "provider" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "authType" TEXT NOT NULL DEFAULT 'none',
    "authUser" TEXT,
    "authSecret" TEXT,
    "authHeader" TEXT,
    "keyMap" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
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
    "duplicateOf" TEXT
);

-- CreateTable
CREATE TABLE "CallEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "deliveryId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "callId" TEXT,
    "agentId" TEXT,
    "kind" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "timeSource" TEXT NOT NULL,
    "payload" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Call" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "startedAt" DATETIME NOT NULL,
    "answeredAt" DATETIME,
    "endedAt" DATETIME,
    "endReason" TEXT,
    "waitSeconds" INTEGER,
    "talkSeconds" INTEGER,
    "recording" TEXT,
    "detail" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Leg" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "callId" TEXT NOT NULL,
    "externalKey" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "agentId" TEXT,
    "number" TEXT,
    "startedAt" DATETIME NOT NULL,
    "answeredAt" DATETIME,
    "endedAt" DATETIME,
    "endReason" TEXT
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT,
    "extension" TEXT,
    "presence" TEXT NOT NULL,
    "pauseReason" TEXT,
    "presenceSince" DATETIME NOT NULL,
    "version" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "Queue" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Connection_key_key" ON "Connection"("key");

-- CreateIndex
CREATE INDEX "Delivery_connectionId_dedupeKey_idx" ON "Delivery"("connectionId", "dedupeKey");

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
CREATE UNIQUE INDEX "Call_connectionId_externalKey_key" ON "Call"("connectionId", "externalKey");

-- CreateIndex
CREATE UNIQUE INDEX "Leg_callId_externalKey_key" ON "Leg"("callId", "externalKey");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_connectionId_externalId_key" ON "Agent"("connectionId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Queue_connectionId_externalId_key" ON "Queue"("connectionId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Project_connectionId_externalId_key" ON "Project"("connectionId", "externalId");

