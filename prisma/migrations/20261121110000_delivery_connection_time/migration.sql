-- CreateIndex
CREATE INDEX "Delivery_connectionId_receivedAt_idx" ON "Delivery"("connectionId", "receivedAt");

