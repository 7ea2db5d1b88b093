-- An agent's day (issue 12) reads their presence events by agent and time.
CREATE INDEX "CallEvent_agentId_at_idx" ON "CallEvent"("agentId", "at");
