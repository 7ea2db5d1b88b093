-- Checkpoints of the live state for the time machine (server/history/time-machine.ts).
CREATE TABLE "Checkpoint" (
    "at" DATETIME NOT NULL PRIMARY KEY,
    "lastEventId" TEXT NOT NULL,
    "state" BLOB NOT NULL
);
