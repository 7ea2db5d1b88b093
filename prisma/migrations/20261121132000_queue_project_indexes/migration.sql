-- CreateIndex
CREATE INDEX "Call_queueId_startedAt_idx" ON "Call"("queueId", "startedAt");

-- CreateIndex
CREATE INDEX "Call_projectId_startedAt_idx" ON "Call"("projectId", "startedAt");

