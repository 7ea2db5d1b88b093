-- Phone-number search over the history: an FTS5 trigram index of Call.fromNumber/toNumber, so "calls whose number
-- contains these digits" is an index lookup instead of a scan of every call. External-content table kept in step by
-- triggers (the upsert path fires the update trigger only when a number really changed). Not in schema.prisma: Prisma
-- does not model virtual tables; the migration owns it.
CREATE VIRTUAL TABLE "CallNumberSearch" USING fts5("fromNumber", "toNumber", content='Call', content_rowid='rowid', tokenize='trigram');

CREATE TRIGGER "Call_number_search_insert" AFTER INSERT ON "Call" BEGIN
  INSERT INTO "CallNumberSearch"(rowid, "fromNumber", "toNumber") VALUES (new.rowid, new."fromNumber", new."toNumber");
END;

CREATE TRIGGER "Call_number_search_update" AFTER UPDATE OF "fromNumber", "toNumber" ON "Call"
WHEN old."fromNumber" IS NOT new."fromNumber" OR old."toNumber" IS NOT new."toNumber" BEGIN
  INSERT INTO "CallNumberSearch"("CallNumberSearch", rowid, "fromNumber", "toNumber") VALUES ('delete', old.rowid, old."fromNumber", old."toNumber");
  INSERT INTO "CallNumberSearch"(rowid, "fromNumber", "toNumber") VALUES (new.rowid, new."fromNumber", new."toNumber");
END;

CREATE TRIGGER "Call_number_search_delete" AFTER DELETE ON "Call" BEGIN
  INSERT INTO "CallNumberSearch"("CallNumberSearch", rowid, "fromNumber", "toNumber") VALUES ('delete', old.rowid, old."fromNumber", old."toNumber");
END;

-- Index the calls already stored.
INSERT INTO "CallNumberSearch"("CallNumberSearch") VALUES ('rebuild');
