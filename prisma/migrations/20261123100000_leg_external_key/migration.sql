-- An event naming only a leg (a Conpeek dialog) finds its stored call through this index.
CREATE INDEX "Leg_externalKey_idx" ON "Leg"("externalKey");
