-- CreateTable
CREATE TABLE "SpeedSample" (
    "leadId" TEXT NOT NULL,
    "of" TEXT NOT NULL,
    "refId" TEXT NOT NULL,
    "rep" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "ms" BIGINT,

    PRIMARY KEY ("leadId", "of"),
    CONSTRAINT "SpeedSample_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SpeedSample_of_rep_ms_idx" ON "SpeedSample"("of", "rep", "ms");

-- CreateIndex
CREATE INDEX "SpeedSample_of_platform_ms_idx" ON "SpeedSample"("of", "platform", "ms");

-- The samples of what is stored already: each lead's first claim and first reply, by time then id.
INSERT INTO "SpeedSample" ("leadId", "of", "refId", "rep", "platform", "at", "ms")
  SELECT f."leadId", f."of", f."refId", f."rep",
    CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END,
    f."at",
    CASE WHEN l."reachedSqlAt" IS NOT NULL AND f."at" >= l."reachedSqlAt"
      THEN CAST(ROUND((julianday(f."at") - julianday(l."reachedSqlAt")) * 86400000) AS INTEGER) END
  FROM (
    SELECT v."leadId", 'claim' AS "of", v."id" AS "refId", v."actor" AS "rep", v."createdAt" AS "at",
      ROW_NUMBER() OVER (PARTITION BY v."leadId" ORDER BY v."createdAt", v."id") AS "nth"
    FROM "RepVerdict" v WHERE v."verdict" = 'claimed'
    UNION ALL
    SELECT m."leadId", 'reply', m."id", m."author", m."createdAt",
      ROW_NUMBER() OVER (PARTITION BY m."leadId" ORDER BY m."createdAt", m."id")
    FROM "TranscriptMessage" m WHERE m."direction" = 'to_prospect'
  ) f JOIN "Lead" l ON l."id" = f."leadId"
  WHERE f."nth" = 1;

-- A new claim or reply becomes the lead's sample when it is the first, by time then id. A claim
-- of a lead that is gone (a cascade in progress) finds no lead and writes nothing.
CREATE TRIGGER "RepVerdict_speed_insert" AFTER INSERT ON "RepVerdict" WHEN NEW."verdict" = 'claimed' BEGIN
  INSERT INTO "SpeedSample" AS s ("leadId", "of", "refId", "rep", "platform", "at", "ms")
    SELECT l."id", 'claim', NEW."id", NEW."actor",
      CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END,
      NEW."createdAt",
      CASE WHEN l."reachedSqlAt" IS NOT NULL AND NEW."createdAt" >= l."reachedSqlAt"
        THEN CAST(ROUND((julianday(NEW."createdAt") - julianday(l."reachedSqlAt")) * 86400000) AS INTEGER) END
    FROM "Lead" l WHERE l."id" = NEW."leadId"
    ON CONFLICT ("leadId", "of") DO UPDATE SET "refId" = excluded."refId", "rep" = excluded."rep",
      "platform" = excluded."platform", "at" = excluded."at", "ms" = excluded."ms"
    WHERE (excluded."at", excluded."refId") < (s."at", s."refId");
END;

CREATE TRIGGER "TranscriptMessage_speed_insert" AFTER INSERT ON "TranscriptMessage" WHEN NEW."direction" = 'to_prospect' BEGIN
  INSERT INTO "SpeedSample" AS s ("leadId", "of", "refId", "rep", "platform", "at", "ms")
    SELECT l."id", 'reply', NEW."id", NEW."author",
      CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END,
      NEW."createdAt",
      CASE WHEN l."reachedSqlAt" IS NOT NULL AND NEW."createdAt" >= l."reachedSqlAt"
        THEN CAST(ROUND((julianday(NEW."createdAt") - julianday(l."reachedSqlAt")) * 86400000) AS INTEGER) END
    FROM "Lead" l WHERE l."id" = NEW."leadId"
    ON CONFLICT ("leadId", "of") DO UPDATE SET "refId" = excluded."refId", "rep" = excluded."rep",
      "platform" = excluded."platform", "at" = excluded."at", "ms" = excluded."ms"
    WHERE (excluded."at", excluded."refId") < (s."at", s."refId");
END;

-- A deleted sample's source (SQL from outside leadbot; a lead's erasure removes its samples by
-- cascade): the lead's next claim or reply takes its place.
CREATE TRIGGER "RepVerdict_speed_delete" AFTER DELETE ON "RepVerdict" WHEN OLD."verdict" = 'claimed' BEGIN
  DELETE FROM "SpeedSample" WHERE "leadId" = OLD."leadId" AND "of" = 'claim' AND "refId" = OLD."id";
  INSERT INTO "SpeedSample" ("leadId", "of", "refId", "rep", "platform", "at", "ms")
    SELECT l."id", 'claim', v."id", v."actor",
      CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END,
      v."createdAt",
      CASE WHEN l."reachedSqlAt" IS NOT NULL AND v."createdAt" >= l."reachedSqlAt"
        THEN CAST(ROUND((julianday(v."createdAt") - julianday(l."reachedSqlAt")) * 86400000) AS INTEGER) END
    FROM "RepVerdict" v JOIN "Lead" l ON l."id" = v."leadId"
    WHERE v."leadId" = OLD."leadId" AND v."verdict" = 'claimed'
      AND NOT EXISTS (SELECT 1 FROM "SpeedSample" s WHERE s."leadId" = OLD."leadId" AND s."of" = 'claim')
    ORDER BY v."createdAt", v."id" LIMIT 1;
END;

CREATE TRIGGER "TranscriptMessage_speed_delete" AFTER DELETE ON "TranscriptMessage" WHEN OLD."direction" = 'to_prospect' BEGIN
  DELETE FROM "SpeedSample" WHERE "leadId" = OLD."leadId" AND "of" = 'reply' AND "refId" = OLD."id";
  INSERT INTO "SpeedSample" ("leadId", "of", "refId", "rep", "platform", "at", "ms")
    SELECT l."id", 'reply', m."id", m."author",
      CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END,
      m."createdAt",
      CASE WHEN l."reachedSqlAt" IS NOT NULL AND m."createdAt" >= l."reachedSqlAt"
        THEN CAST(ROUND((julianday(m."createdAt") - julianday(l."reachedSqlAt")) * 86400000) AS INTEGER) END
    FROM "TranscriptMessage" m JOIN "Lead" l ON l."id" = m."leadId"
    WHERE m."leadId" = OLD."leadId" AND m."direction" = 'to_prospect'
      AND NOT EXISTS (SELECT 1 FROM "SpeedSample" s WHERE s."leadId" = OLD."leadId" AND s."of" = 'reply')
    ORDER BY m."createdAt", m."id" LIMIT 1;
END;

-- The lead's platform or SQL time changed (a manager's correction, an import): its samples follow.
CREATE TRIGGER "Lead_speed_update" AFTER UPDATE OF "sourcePlatform", "reachedSqlAt" ON "Lead"
  WHEN OLD."sourcePlatform" IS NOT NEW."sourcePlatform" OR OLD."reachedSqlAt" IS NOT NEW."reachedSqlAt"
BEGIN
  UPDATE "SpeedSample" SET
    "platform" = CASE WHEN COALESCE(NEW."sourcePlatform", '') = '' THEN '(none)' ELSE NEW."sourcePlatform" END,
    "ms" = CASE WHEN NEW."reachedSqlAt" IS NOT NULL AND "at" >= NEW."reachedSqlAt"
      THEN CAST(ROUND((julianday("at") - julianday(NEW."reachedSqlAt")) * 86400000) AS INTEGER) END
  WHERE "leadId" = NEW."id";
END;
