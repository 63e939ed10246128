-- CreateTable
CREATE TABLE "SpeedSample" (
    "leadId" TEXT NOT NULL,
    "of" TEXT NOT NULL,
    "refId" TEXT NOT NULL,
    "rep" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "ms" BIGINT,

    CONSTRAINT "SpeedSample_pkey" PRIMARY KEY ("leadId","of")
);

-- CreateIndex
CREATE INDEX "SpeedSample_of_rep_ms_idx" ON "SpeedSample"("of", "rep", "ms");

-- CreateIndex
CREATE INDEX "SpeedSample_of_platform_ms_idx" ON "SpeedSample"("of", "platform", "ms");

-- AddForeignKey
ALTER TABLE "SpeedSample" ADD CONSTRAINT "SpeedSample_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The samples of what is stored already: each lead's first claim and first reply, by time then id.
INSERT INTO "SpeedSample" ("leadId", "of", "refId", "rep", "platform", "at", "ms")
  SELECT f."leadId", f."of", f."refId", f."rep",
    CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END,
    f."at",
    CASE WHEN l."reachedSqlAt" IS NOT NULL AND f."at" >= l."reachedSqlAt"
      THEN ROUND(EXTRACT(EPOCH FROM (f."at" - l."reachedSqlAt")) * 1000)::bigint END
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

-- One function writes a lead's sample of one kind from a claim or reply (its id, author, time):
-- it becomes the sample when it is the first, by time then id. A lead that is gone (a cascade in
-- progress) writes nothing. Row triggers whose WHEN lets only claims and replies through: the
-- prospect's own transcript lines and rejections cost no call.
CREATE FUNCTION "speed_sample_offer"(p_lead text, p_kind text, p_ref text, p_author text, p_at timestamp(3))
RETURNS void LANGUAGE sql AS $$
  INSERT INTO "SpeedSample" AS s ("leadId", "of", "refId", "rep", "platform", "at", "ms")
    SELECT l."id", p_kind, p_ref, p_author,
      CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END,
      p_at,
      CASE WHEN l."reachedSqlAt" IS NOT NULL AND p_at >= l."reachedSqlAt"
        THEN ROUND(EXTRACT(EPOCH FROM (p_at - l."reachedSqlAt")) * 1000)::bigint END
    FROM "Lead" l WHERE l."id" = p_lead
    ON CONFLICT ("leadId", "of") DO UPDATE SET "refId" = EXCLUDED."refId", "rep" = EXCLUDED."rep",
      "platform" = EXCLUDED."platform", "at" = EXCLUDED."at", "ms" = EXCLUDED."ms"
    WHERE (EXCLUDED."at", EXCLUDED."refId") < (s."at", s."refId");
$$;

CREATE FUNCTION "speed_sample_verdict_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "speed_sample_offer"(NEW."leadId", 'claim', NEW."id", NEW."actor", NEW."createdAt");
  RETURN NULL;
END
$$;

CREATE TRIGGER "RepVerdict_speed_insert" AFTER INSERT ON "RepVerdict"
  FOR EACH ROW WHEN (NEW."verdict" = 'claimed') EXECUTE FUNCTION "speed_sample_verdict_insert"();

CREATE FUNCTION "speed_sample_transcript_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "speed_sample_offer"(NEW."leadId", 'reply', NEW."id", NEW."author", NEW."createdAt");
  RETURN NULL;
END
$$;

CREATE TRIGGER "TranscriptMessage_speed_insert" AFTER INSERT ON "TranscriptMessage"
  FOR EACH ROW WHEN (NEW."direction" = 'to_prospect') EXECUTE FUNCTION "speed_sample_transcript_insert"();

-- A deleted sample's source (SQL from outside leadbot; a lead's erasure removes its samples by
-- cascade): the lead's next claim or reply takes its place.
CREATE FUNCTION "speed_sample_verdict_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v record;
BEGIN
  DELETE FROM "SpeedSample" WHERE "leadId" = OLD."leadId" AND "of" = 'claim' AND "refId" = OLD."id";
  IF FOUND THEN
    SELECT r."id", r."actor", r."createdAt" INTO v FROM "RepVerdict" r
      WHERE r."leadId" = OLD."leadId" AND r."verdict" = 'claimed' ORDER BY r."createdAt", r."id" LIMIT 1;
    IF FOUND THEN PERFORM "speed_sample_offer"(OLD."leadId", 'claim', v."id", v."actor", v."createdAt"); END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "RepVerdict_speed_delete" AFTER DELETE ON "RepVerdict"
  FOR EACH ROW WHEN (OLD."verdict" = 'claimed') EXECUTE FUNCTION "speed_sample_verdict_delete"();

CREATE FUNCTION "speed_sample_transcript_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  m record;
BEGIN
  DELETE FROM "SpeedSample" WHERE "leadId" = OLD."leadId" AND "of" = 'reply' AND "refId" = OLD."id";
  IF FOUND THEN
    SELECT r."id", r."author", r."createdAt" INTO m FROM "TranscriptMessage" r
      WHERE r."leadId" = OLD."leadId" AND r."direction" = 'to_prospect' ORDER BY r."createdAt", r."id" LIMIT 1;
    IF FOUND THEN PERFORM "speed_sample_offer"(OLD."leadId", 'reply', m."id", m."author", m."createdAt"); END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "TranscriptMessage_speed_delete" AFTER DELETE ON "TranscriptMessage"
  FOR EACH ROW WHEN (OLD."direction" = 'to_prospect') EXECUTE FUNCTION "speed_sample_transcript_delete"();

-- The lead's platform or SQL time changed (a manager's correction, an import): its samples follow.
-- The WHEN is checked without a call, so the hot path's updates of other columns cost nothing.
CREATE FUNCTION "speed_sample_lead_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "SpeedSample" SET
    "platform" = CASE WHEN COALESCE(NEW."sourcePlatform", '') = '' THEN '(none)' ELSE NEW."sourcePlatform" END,
    "ms" = CASE WHEN NEW."reachedSqlAt" IS NOT NULL AND "at" >= NEW."reachedSqlAt"
      THEN ROUND(EXTRACT(EPOCH FROM ("at" - NEW."reachedSqlAt")) * 1000)::bigint END
  WHERE "leadId" = NEW."id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Lead_speed_update" AFTER UPDATE OF "sourcePlatform", "reachedSqlAt" ON "Lead"
  FOR EACH ROW WHEN (OLD."sourcePlatform" IS DISTINCT FROM NEW."sourcePlatform" OR OLD."reachedSqlAt" IS DISTINCT FROM NEW."reachedSqlAt")
  EXECUTE FUNCTION "speed_sample_lead_update"();
