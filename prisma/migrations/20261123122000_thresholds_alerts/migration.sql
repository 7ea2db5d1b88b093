-- Alert thresholds per group (a queue or project id, or 'default') and metric. A NULL level inherits; an *Off flag
-- switches that level off for the group (server/alerts/store.ts).
CREATE TABLE "Threshold" (
    "groupId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "amber" REAL,
    "amberOff" BOOLEAN NOT NULL DEFAULT false,
    "red" REAL,
    "redOff" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("groupId", "metric")
);

-- A group's outgoing alert webhook, its signing secret, and how its last delivery went.
CREATE TABLE "AlertWebhook" (
    "groupId" TEXT NOT NULL PRIMARY KEY,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "lastStatus" TEXT,
    "lastAt" DATETIME,
    "lastDetail" TEXT
);

-- Threshold breaches: start, peak, end (NULL while open) and the last value seen.
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "groupKind" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "peakAt" DATETIME NOT NULL,
    "peakValue" REAL NOT NULL,
    "endedAt" DATETIME,
    "lastValue" REAL NOT NULL,
    "lastAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX "Alert_endedAt_idx" ON "Alert"("endedAt");
CREATE INDEX "Alert_startedAt_idx" ON "Alert"("startedAt");
CREATE INDEX "Alert_groupId_startedAt_idx" ON "Alert"("groupId", "startedAt");
