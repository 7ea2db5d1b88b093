-- Roll-ups (issue 12): each call's part (JSON computed by server/domain/rollup.ts callPart) is stored on its row, and
-- these triggers apply the difference between a row's old and new part to "Rollup" in the same statement, so the sums
-- always equal the stored parts added up, whatever order, retries and merges the writes came in. Rows stored before
-- this migration have no part: the server computes them at start (Store.refreshParts) and reports read the calls
-- until none is left.
-- Prisma's PostgreSQL adapter runs a migration cut at every semicolon, so no comment here holds one and the function
-- bodies are escape strings (E'...') that write it as \073.
ALTER TABLE "Call" ADD COLUMN "part" TEXT;
ALTER TABLE "Call" ADD COLUMN "partKey" TEXT;
CREATE INDEX "Call_partKey_idx" ON "Call"("partKey");

CREATE TABLE "Rollup" (
    "span" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
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

    CONSTRAINT "Rollup_pkey" PRIMARY KEY ("span", "dim", "key", "bucket")
);
CREATE INDEX "Rollup_span_dim_bucket_idx" ON "Rollup"("span", "dim", "bucket");

CREATE FUNCTION callboard_rollup_add(part TEXT, sign INTEGER) RETURNS VOID AS E'
DECLARE
  p JSONB := part::jsonb\073
BEGIN
  INSERT INTO "Rollup" ("span", "dim", "key", "bucket", "calls", "answered", "missed", "abandoned", "shortAbandoned", "answeredWait", "answeredTalk", "answerDelay", "inboundAnswered", "inboundMissed", "inboundAbandoned", "answeredInTime", "outbound", "outboundAnswered", "handled", "handleSeconds", "waited", "waitSeconds")
  SELECT s.span, r.value->>0, r.value->>1, s.bucket, sign * (r.value->>2)::integer, sign * (r.value->>3)::integer, sign * (r.value->>4)::integer, sign * (r.value->>5)::integer, sign * (r.value->>6)::integer, sign * (r.value->>7)::integer, sign * (r.value->>8)::integer, sign * (r.value->>9)::integer, sign * (r.value->>10)::integer, sign * (r.value->>11)::integer, sign * (r.value->>12)::integer, sign * (r.value->>13)::integer, sign * (r.value->>14)::integer, sign * (r.value->>15)::integer, sign * (r.value->>16)::integer, sign * (r.value->>17)::integer, sign * (r.value->>18)::integer, sign * (r.value->>19)::integer
  FROM jsonb_array_elements(p->\'r\') r,
    (VALUES (\'q\', ((p->>\'b\')::timestamptz AT TIME ZONE \'UTC\')::timestamp(3)), (\'d\', ((p->>\'d\')::timestamptz AT TIME ZONE \'UTC\')::timestamp(3))) s(span, bucket)
  ON CONFLICT ("span", "dim", "key", "bucket") DO UPDATE SET "calls" = "Rollup"."calls" + excluded."calls", "answered" = "Rollup"."answered" + excluded."answered", "missed" = "Rollup"."missed" + excluded."missed", "abandoned" = "Rollup"."abandoned" + excluded."abandoned", "shortAbandoned" = "Rollup"."shortAbandoned" + excluded."shortAbandoned", "answeredWait" = "Rollup"."answeredWait" + excluded."answeredWait", "answeredTalk" = "Rollup"."answeredTalk" + excluded."answeredTalk", "answerDelay" = "Rollup"."answerDelay" + excluded."answerDelay", "inboundAnswered" = "Rollup"."inboundAnswered" + excluded."inboundAnswered", "inboundMissed" = "Rollup"."inboundMissed" + excluded."inboundMissed", "inboundAbandoned" = "Rollup"."inboundAbandoned" + excluded."inboundAbandoned", "answeredInTime" = "Rollup"."answeredInTime" + excluded."answeredInTime", "outbound" = "Rollup"."outbound" + excluded."outbound", "outboundAnswered" = "Rollup"."outboundAnswered" + excluded."outboundAnswered", "handled" = "Rollup"."handled" + excluded."handled", "handleSeconds" = "Rollup"."handleSeconds" + excluded."handleSeconds", "waited" = "Rollup"."waited" + excluded."waited", "waitSeconds" = "Rollup"."waitSeconds" + excluded."waitSeconds"\073
END\073
' LANGUAGE plpgsql;

CREATE FUNCTION callboard_call_rollup() RETURNS TRIGGER AS E'
BEGIN
  IF TG_OP <> \'INSERT\' AND OLD."part" IS NOT NULL THEN PERFORM callboard_rollup_add(OLD."part", -1)\073 END IF\073
  IF TG_OP <> \'DELETE\' AND NEW."part" IS NOT NULL THEN PERFORM callboard_rollup_add(NEW."part", 1)\073 END IF\073
  RETURN NULL\073
END\073
' LANGUAGE plpgsql;

CREATE TRIGGER "Call_rollup_insert_delete" AFTER INSERT OR DELETE ON "Call" FOR EACH ROW EXECUTE FUNCTION callboard_call_rollup();
CREATE TRIGGER "Call_rollup_update" AFTER UPDATE OF "part" ON "Call" FOR EACH ROW
  WHEN (OLD."part" IS DISTINCT FROM NEW."part") EXECUTE FUNCTION callboard_call_rollup();
