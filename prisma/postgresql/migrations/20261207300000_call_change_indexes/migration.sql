-- The calls a start holds (Store.loadLive: ended or changed within the memory window, open and not silent too long)
-- are found by these indexes. Without them every start read the whole Call table (2.0 s at 1,000,000 calls).
CREATE INDEX "Call_updatedAt_idx" ON "Call"("updatedAt");
CREATE INDEX "Call_endedAt_idx" ON "Call"("endedAt");
