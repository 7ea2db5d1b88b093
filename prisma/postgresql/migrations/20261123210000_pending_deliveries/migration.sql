-- The applier finds the deliveries other nodes stored as pending through this index (docs/cluster.md).
CREATE INDEX "Delivery_outcome_receivedAt_idx" ON "Delivery"("outcome", "receivedAt");
