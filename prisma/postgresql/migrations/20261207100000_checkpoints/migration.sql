-- Checkpoints of the live state for the time machine (server/history/time-machine.ts).
CREATE TABLE "Checkpoint" (
    "at" TIMESTAMP(3) NOT NULL,
    "lastEventId" TEXT NOT NULL,
    "state" BYTEA NOT NULL,

    CONSTRAINT "Checkpoint_pkey" PRIMARY KEY ("at")
);
