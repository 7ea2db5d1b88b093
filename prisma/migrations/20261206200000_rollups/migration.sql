-- Roll-ups (issue 12): each call's part (JSON computed by server/domain/rollup.ts callPart) is stored on its row, and
-- these triggers apply the difference between a row's old and new part to "Rollup" in the same statement, so the sums
-- always equal the stored parts added up, whatever order, retries and merges the writes came in. Rows stored before
-- this migration have no part: the server computes them at start (Store.refreshParts) and reports read the calls
-- until none is left.
ALTER TABLE "Call" ADD COLUMN "part" TEXT;
ALTER TABLE "Call" ADD COLUMN "partKey" TEXT;
CREATE INDEX "Call_partKey_idx" ON "Call"("partKey");

CREATE TABLE "Rollup" (
    "span" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "bucket" DATETIME NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "answered" INTEGER NOT NULL DEFAULT 0,
    "missed" INTEGER NOT NULL DEFAULT 0,
    "abandoned" INTEGER NOT NULL DEFAULT 0,
    "shortAbandoned" INTEGER NOT NULL DEFAULT 0,
    "answeredWait" INTEGER NOT NULL DEFAULT 0,
    "answeredTalk" INTEGER NOT NULL DEFAULT 0,
    "answerDelay" INTEGER NOT NULL DEFAULT 0,
    "inboundAnswered" INTEGER NOT NULL DEFAULT 0,
    "inboundMissed" INTEGER NOT NULL DEFAULT 0,
    "inboundAbandoned" INTEGER NOT NULL DEFAULT 0,
    "answeredInTime" INTEGER NOT NULL DEFAULT 0,
    "outbound" INTEGER NOT NULL DEFAULT 0,
    "outboundAnswered" INTEGER NOT NULL DEFAULT 0,
    "handled" INTEGER NOT NULL DEFAULT 0,
    "handleSeconds" INTEGER NOT NULL DEFAULT 0,
    "waited" INTEGER NOT NULL DEFAULT 0,
    "waitSeconds" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("span", "dim", "key", "bucket")
);
CREATE INDEX "Rollup_span_dim_bucket_idx" ON "Rollup"("span", "dim", "bucket");

CREATE TRIGGER "Call_rollup_insert" AFTER INSERT ON "Call" WHEN new."part" IS NOT NULL BEGIN
  INSERT INTO "Rollup" ("span", "dim", "key", "bucket", "calls", "answered", "missed", "abandoned", "shortAbandoned", "answeredWait", "answeredTalk", "answerDelay", "inboundAnswered", "inboundMissed", "inboundAbandoned", "answeredInTime", "outbound", "outboundAnswered", "handled", "handleSeconds", "waited", "waitSeconds")
  SELECT s.span, json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]'), s.bucket, json_extract(r.value, '$[2]'), json_extract(r.value, '$[3]'), json_extract(r.value, '$[4]'), json_extract(r.value, '$[5]'), json_extract(r.value, '$[6]'), json_extract(r.value, '$[7]'), json_extract(r.value, '$[8]'), json_extract(r.value, '$[9]'), json_extract(r.value, '$[10]'), json_extract(r.value, '$[11]'), json_extract(r.value, '$[12]'), json_extract(r.value, '$[13]'), json_extract(r.value, '$[14]'), json_extract(r.value, '$[15]'), json_extract(r.value, '$[16]'), json_extract(r.value, '$[17]'), json_extract(r.value, '$[18]'), json_extract(r.value, '$[19]')
  FROM json_each(new."part", '$.r') r,
    (SELECT 'q' AS span, json_extract(new."part", '$.b') AS bucket UNION ALL SELECT 'd', json_extract(new."part", '$.d')) s
  WHERE TRUE
  ON CONFLICT ("span", "dim", "key", "bucket") DO UPDATE SET "calls" = "calls" + excluded."calls", "answered" = "answered" + excluded."answered", "missed" = "missed" + excluded."missed", "abandoned" = "abandoned" + excluded."abandoned", "shortAbandoned" = "shortAbandoned" + excluded."shortAbandoned", "answeredWait" = "answeredWait" + excluded."answeredWait", "answeredTalk" = "answeredTalk" + excluded."answeredTalk", "answerDelay" = "answerDelay" + excluded."answerDelay", "inboundAnswered" = "inboundAnswered" + excluded."inboundAnswered", "inboundMissed" = "inboundMissed" + excluded."inboundMissed", "inboundAbandoned" = "inboundAbandoned" + excluded."inboundAbandoned", "answeredInTime" = "answeredInTime" + excluded."answeredInTime", "outbound" = "outbound" + excluded."outbound", "outboundAnswered" = "outboundAnswered" + excluded."outboundAnswered", "handled" = "handled" + excluded."handled", "handleSeconds" = "handleSeconds" + excluded."handleSeconds", "waited" = "waited" + excluded."waited", "waitSeconds" = "waitSeconds" + excluded."waitSeconds";
END;

CREATE TRIGGER "Call_rollup_update" AFTER UPDATE OF "part" ON "Call" WHEN old."part" IS NOT new."part" BEGIN
  INSERT INTO "Rollup" ("span", "dim", "key", "bucket", "calls", "answered", "missed", "abandoned", "shortAbandoned", "answeredWait", "answeredTalk", "answerDelay", "inboundAnswered", "inboundMissed", "inboundAbandoned", "answeredInTime", "outbound", "outboundAnswered", "handled", "handleSeconds", "waited", "waitSeconds")
  SELECT s.span, json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]'), s.bucket, -json_extract(r.value, '$[2]'), -json_extract(r.value, '$[3]'), -json_extract(r.value, '$[4]'), -json_extract(r.value, '$[5]'), -json_extract(r.value, '$[6]'), -json_extract(r.value, '$[7]'), -json_extract(r.value, '$[8]'), -json_extract(r.value, '$[9]'), -json_extract(r.value, '$[10]'), -json_extract(r.value, '$[11]'), -json_extract(r.value, '$[12]'), -json_extract(r.value, '$[13]'), -json_extract(r.value, '$[14]'), -json_extract(r.value, '$[15]'), -json_extract(r.value, '$[16]'), -json_extract(r.value, '$[17]'), -json_extract(r.value, '$[18]'), -json_extract(r.value, '$[19]')
  FROM json_each(old."part", '$.r') r,
    (SELECT 'q' AS span, json_extract(old."part", '$.b') AS bucket UNION ALL SELECT 'd', json_extract(old."part", '$.d')) s
  WHERE TRUE
  ON CONFLICT ("span", "dim", "key", "bucket") DO UPDATE SET "calls" = "calls" + excluded."calls", "answered" = "answered" + excluded."answered", "missed" = "missed" + excluded."missed", "abandoned" = "abandoned" + excluded."abandoned", "shortAbandoned" = "shortAbandoned" + excluded."shortAbandoned", "answeredWait" = "answeredWait" + excluded."answeredWait", "answeredTalk" = "answeredTalk" + excluded."answeredTalk", "answerDelay" = "answerDelay" + excluded."answerDelay", "inboundAnswered" = "inboundAnswered" + excluded."inboundAnswered", "inboundMissed" = "inboundMissed" + excluded."inboundMissed", "inboundAbandoned" = "inboundAbandoned" + excluded."inboundAbandoned", "answeredInTime" = "answeredInTime" + excluded."answeredInTime", "outbound" = "outbound" + excluded."outbound", "outboundAnswered" = "outboundAnswered" + excluded."outboundAnswered", "handled" = "handled" + excluded."handled", "handleSeconds" = "handleSeconds" + excluded."handleSeconds", "waited" = "waited" + excluded."waited", "waitSeconds" = "waitSeconds" + excluded."waitSeconds";
  INSERT INTO "Rollup" ("span", "dim", "key", "bucket", "calls", "answered", "missed", "abandoned", "shortAbandoned", "answeredWait", "answeredTalk", "answerDelay", "inboundAnswered", "inboundMissed", "inboundAbandoned", "answeredInTime", "outbound", "outboundAnswered", "handled", "handleSeconds", "waited", "waitSeconds")
  SELECT s.span, json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]'), s.bucket, json_extract(r.value, '$[2]'), json_extract(r.value, '$[3]'), json_extract(r.value, '$[4]'), json_extract(r.value, '$[5]'), json_extract(r.value, '$[6]'), json_extract(r.value, '$[7]'), json_extract(r.value, '$[8]'), json_extract(r.value, '$[9]'), json_extract(r.value, '$[10]'), json_extract(r.value, '$[11]'), json_extract(r.value, '$[12]'), json_extract(r.value, '$[13]'), json_extract(r.value, '$[14]'), json_extract(r.value, '$[15]'), json_extract(r.value, '$[16]'), json_extract(r.value, '$[17]'), json_extract(r.value, '$[18]'), json_extract(r.value, '$[19]')
  FROM json_each(new."part", '$.r') r,
    (SELECT 'q' AS span, json_extract(new."part", '$.b') AS bucket UNION ALL SELECT 'd', json_extract(new."part", '$.d')) s
  WHERE TRUE
  ON CONFLICT ("span", "dim", "key", "bucket") DO UPDATE SET "calls" = "calls" + excluded."calls", "answered" = "answered" + excluded."answered", "missed" = "missed" + excluded."missed", "abandoned" = "abandoned" + excluded."abandoned", "shortAbandoned" = "shortAbandoned" + excluded."shortAbandoned", "answeredWait" = "answeredWait" + excluded."answeredWait", "answeredTalk" = "answeredTalk" + excluded."answeredTalk", "answerDelay" = "answerDelay" + excluded."answerDelay", "inboundAnswered" = "inboundAnswered" + excluded."inboundAnswered", "inboundMissed" = "inboundMissed" + excluded."inboundMissed", "inboundAbandoned" = "inboundAbandoned" + excluded."inboundAbandoned", "answeredInTime" = "answeredInTime" + excluded."answeredInTime", "outbound" = "outbound" + excluded."outbound", "outboundAnswered" = "outboundAnswered" + excluded."outboundAnswered", "handled" = "handled" + excluded."handled", "handleSeconds" = "handleSeconds" + excluded."handleSeconds", "waited" = "waited" + excluded."waited", "waitSeconds" = "waitSeconds" + excluded."waitSeconds";
END;

CREATE TRIGGER "Call_rollup_delete" AFTER DELETE ON "Call" WHEN old."part" IS NOT NULL BEGIN
  INSERT INTO "Rollup" ("span", "dim", "key", "bucket", "calls", "answered", "missed", "abandoned", "shortAbandoned", "answeredWait", "answeredTalk", "answerDelay", "inboundAnswered", "inboundMissed", "inboundAbandoned", "answeredInTime", "outbound", "outboundAnswered", "handled", "handleSeconds", "waited", "waitSeconds")
  SELECT s.span, json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]'), s.bucket, -json_extract(r.value, '$[2]'), -json_extract(r.value, '$[3]'), -json_extract(r.value, '$[4]'), -json_extract(r.value, '$[5]'), -json_extract(r.value, '$[6]'), -json_extract(r.value, '$[7]'), -json_extract(r.value, '$[8]'), -json_extract(r.value, '$[9]'), -json_extract(r.value, '$[10]'), -json_extract(r.value, '$[11]'), -json_extract(r.value, '$[12]'), -json_extract(r.value, '$[13]'), -json_extract(r.value, '$[14]'), -json_extract(r.value, '$[15]'), -json_extract(r.value, '$[16]'), -json_extract(r.value, '$[17]'), -json_extract(r.value, '$[18]'), -json_extract(r.value, '$[19]')
  FROM json_each(old."part", '$.r') r,
    (SELECT 'q' AS span, json_extract(old."part", '$.b') AS bucket UNION ALL SELECT 'd', json_extract(old."part", '$.d')) s
  WHERE TRUE
  ON CONFLICT ("span", "dim", "key", "bucket") DO UPDATE SET "calls" = "calls" + excluded."calls", "answered" = "answered" + excluded."answered", "missed" = "missed" + excluded."missed", "abandoned" = "abandoned" + excluded."abandoned", "shortAbandoned" = "shortAbandoned" + excluded."shortAbandoned", "answeredWait" = "answeredWait" + excluded."answeredWait", "answeredTalk" = "answeredTalk" + excluded."answeredTalk", "answerDelay" = "answerDelay" + excluded."answerDelay", "inboundAnswered" = "inboundAnswered" + excluded."inboundAnswered", "inboundMissed" = "inboundMissed" + excluded."inboundMissed", "inboundAbandoned" = "inboundAbandoned" + excluded."inboundAbandoned", "answeredInTime" = "answeredInTime" + excluded."answeredInTime", "outbound" = "outbound" + excluded."outbound", "outboundAnswered" = "outboundAnswered" + excluded."outboundAnswered", "handled" = "handled" + excluded."handled", "handleSeconds" = "handleSeconds" + excluded."handleSeconds", "waited" = "waited" + excluded."waited", "waitSeconds" = "waitSeconds" + excluded."waitSeconds";
END;
