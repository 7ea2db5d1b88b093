-- Longest wait in the roll-ups (issue 12): a part's vector ends with the call's wait (server/domain/rollup.ts MAXIMA),
-- each row keeps the largest ("longestWait") and how many of its parts are at it ("longestWaitParts"): adding a part
-- raises the maximum or counts one more at it, taking one back counts one fewer. A row with none left at its maximum
-- only knows an upper bound, and readers take its maximum from its calls (server/history/rollup-figures.ts).
-- The parts change shape (partKey r2), so every row's part is computed again at start (Store.refreshParts) and the
-- reports read the calls until none is left.
-- Prisma's PostgreSQL adapter runs a migration cut at every semicolon, so no comment here holds one and the function
-- body is an escape string (E'...') that writes it as \073.
DROP TRIGGER "Call_rollup_insert_delete" ON "Call";
DROP TRIGGER "Call_rollup_update" ON "Call";
UPDATE "Call" SET "part" = NULL, "partKey" = NULL;
DELETE FROM "Rollup";
ALTER TABLE "Rollup" ADD COLUMN "longestWait" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Rollup" ADD COLUMN "longestWaitParts" INTEGER NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION callboard_rollup_add(part TEXT, sign INTEGER) RETURNS VOID AS E'
DECLARE
  p JSONB := part::jsonb\073
BEGIN
  INSERT INTO "Rollup" ("span", "dim", "key", "bucket", "calls", "answered", "missed", "abandoned", "shortAbandoned", "answeredWait", "answeredTalk", "answerDelay", "inboundAnswered", "inboundMissed", "inboundAbandoned", "answeredInTime", "outbound", "outboundAnswered", "handled", "handleSeconds", "waited", "waitSeconds", "longestWait", "longestWaitParts")
  SELECT s.span, r.value->>0, r.value->>1, s.bucket, sign * (r.value->>2)::integer, sign * (r.value->>3)::integer, sign * (r.value->>4)::integer, sign * (r.value->>5)::integer, sign * (r.value->>6)::integer, sign * (r.value->>7)::integer, sign * (r.value->>8)::integer, sign * (r.value->>9)::integer, sign * (r.value->>10)::integer, sign * (r.value->>11)::integer, sign * (r.value->>12)::integer, sign * (r.value->>13)::integer, sign * (r.value->>14)::integer, sign * (r.value->>15)::integer, sign * (r.value->>16)::integer, sign * (r.value->>17)::integer, sign * (r.value->>18)::integer, sign * (r.value->>19)::integer, (r.value->>20)::integer, CASE WHEN sign > 0 THEN 1 ELSE 0 END
  FROM jsonb_array_elements(p->\'r\') r,
    (VALUES (\'q\', ((p->>\'b\')::timestamptz AT TIME ZONE \'UTC\')::timestamp(3)), (\'d\', ((p->>\'d\')::timestamptz AT TIME ZONE \'UTC\')::timestamp(3))) s(span, bucket)
  ON CONFLICT ("span", "dim", "key", "bucket") DO UPDATE SET "calls" = "Rollup"."calls" + excluded."calls", "answered" = "Rollup"."answered" + excluded."answered", "missed" = "Rollup"."missed" + excluded."missed", "abandoned" = "Rollup"."abandoned" + excluded."abandoned", "shortAbandoned" = "Rollup"."shortAbandoned" + excluded."shortAbandoned", "answeredWait" = "Rollup"."answeredWait" + excluded."answeredWait", "answeredTalk" = "Rollup"."answeredTalk" + excluded."answeredTalk", "answerDelay" = "Rollup"."answerDelay" + excluded."answerDelay", "inboundAnswered" = "Rollup"."inboundAnswered" + excluded."inboundAnswered", "inboundMissed" = "Rollup"."inboundMissed" + excluded."inboundMissed", "inboundAbandoned" = "Rollup"."inboundAbandoned" + excluded."inboundAbandoned", "answeredInTime" = "Rollup"."answeredInTime" + excluded."answeredInTime", "outbound" = "Rollup"."outbound" + excluded."outbound", "outboundAnswered" = "Rollup"."outboundAnswered" + excluded."outboundAnswered", "handled" = "Rollup"."handled" + excluded."handled", "handleSeconds" = "Rollup"."handleSeconds" + excluded."handleSeconds", "waited" = "Rollup"."waited" + excluded."waited", "waitSeconds" = "Rollup"."waitSeconds" + excluded."waitSeconds", "longestWaitParts" = CASE WHEN sign > 0 AND excluded."longestWait" > "Rollup"."longestWait" THEN 1 WHEN excluded."longestWait" = "Rollup"."longestWait" THEN "Rollup"."longestWaitParts" + sign ELSE "Rollup"."longestWaitParts" END, "longestWait" = CASE WHEN sign > 0 THEN GREATEST("Rollup"."longestWait", excluded."longestWait") ELSE "Rollup"."longestWait" END\073
END\073
' LANGUAGE plpgsql;

CREATE TRIGGER "Call_rollup_insert_delete" AFTER INSERT OR DELETE ON "Call" FOR EACH ROW EXECUTE FUNCTION callboard_call_rollup();
CREATE TRIGGER "Call_rollup_update" AFTER UPDATE OF "part" ON "Call" FOR EACH ROW
  WHEN (OLD."part" IS DISTINCT FROM NEW."part") EXECUTE FUNCTION callboard_call_rollup();
