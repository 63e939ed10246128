-- CreateTable
CREATE TABLE "LeadTally" (
    "shard" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "campaign" TEXT NOT NULL,
    "inviter" TEXT NOT NULL,
    "stage" "Stage" NOT NULL,
    "mql" BOOLEAN NOT NULL,
    "sql" BOOLEAN NOT NULL,
    "claimed" BOOLEAN NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LeadTally_pkey" PRIMARY KEY ("shard","platform","campaign","inviter","stage","mql","sql","claimed")
);

-- CreateIndex
CREATE INDEX "Conversation_status_flowId_currentStep_idx" ON "Conversation"("status", "flowId", "currentStep");

-- The tally's counts come from the leads already stored, then triggers keep them: every insert,
-- delete and change of a counted column of "Lead" moves one lead between cells, in the
-- statement's own transaction, whichever code (or tool) wrote it. Kept in step with
-- REACHED_MQL / REACHED_SQL / CLAIMED of src/store/reporting-sql.ts (test/store/lead-tally.test.ts).
INSERT INTO "LeadTally" ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n")
  SELECT 0, COALESCE("Lead"."sourcePlatform", ''), COALESCE("Lead"."sourceCampaign", ''), COALESCE("Lead"."invitedBy", ''), "Lead"."stage",
      ("Lead"."reachedMqlAt" IS NOT NULL OR "Lead"."reachedSqlAt" IS NOT NULL OR "Lead"."stage" IN ('MQL', 'SQL')),
      ("Lead"."reachedSqlAt" IS NOT NULL OR "Lead"."stage" = 'SQL'),
      (("Lead"."reachedSqlAt" IS NOT NULL OR "Lead"."stage" = 'SQL') AND COALESCE("Lead"."ownerId", '') <> ''), COUNT(*)
  FROM "Lead"
  GROUP BY 2, 3, 4, 5, 6, 7, 8;

-- Inserts and deletes: statement-level triggers over the transition tables, one grouped upsert
-- per statement. A bulk insert of a million rows is then one GROUP BY (row triggers updated the
-- same tally rows a million times in one transaction, each update a new row version, and did
-- not finish in ten minutes). A connection's changes go to its own shard (its backend pid
-- modulo 64): every statement of one transaction locks the same shard row of a cell, and two
-- transactions on other connections lock other rows, so concurrent writers do not queue on a
-- cell's row lock until the other commits (random shards per statement let a group
-- transaction lock nearly every shard of a busy cell, and two instances then waited on each
-- other for seconds). The readers sum the shards. (Updates: see below.)

CREATE FUNCTION "lead_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "LeadTally" AS t ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n")
  SELECT (pg_backend_pid() % 64), "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", SUM("d")
  FROM (
    SELECT COALESCE(r."sourcePlatform", ''), COALESCE(r."sourceCampaign", ''), COALESCE(r."invitedBy", ''), r."stage",
      (r."reachedMqlAt" IS NOT NULL OR r."reachedSqlAt" IS NOT NULL OR r."stage" IN ('MQL', 'SQL')),
      (r."reachedSqlAt" IS NOT NULL OR r."stage" = 'SQL'),
      ((r."reachedSqlAt" IS NOT NULL OR r."stage" = 'SQL') AND COALESCE(r."ownerId", '') <> ''), 1 FROM new_rows r
  ) AS c ("platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "d")
  GROUP BY "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed"
  HAVING SUM("d") <> 0
  ON CONFLICT ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Lead_tally_insert" AFTER INSERT ON "Lead"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "lead_tally_insert"();

CREATE FUNCTION "lead_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "LeadTally" AS t ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n")
  SELECT (pg_backend_pid() % 64), "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", SUM("d")
  FROM (
    SELECT COALESCE(r."sourcePlatform", ''), COALESCE(r."sourceCampaign", ''), COALESCE(r."invitedBy", ''), r."stage",
      (r."reachedMqlAt" IS NOT NULL OR r."reachedSqlAt" IS NOT NULL OR r."stage" IN ('MQL', 'SQL')),
      (r."reachedSqlAt" IS NOT NULL OR r."stage" = 'SQL'),
      ((r."reachedSqlAt" IS NOT NULL OR r."stage" = 'SQL') AND COALESCE(r."ownerId", '') <> ''), -1 FROM old_rows r
  ) AS c ("platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "d")
  GROUP BY "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed"
  HAVING SUM("d") <> 0
  ON CONFLICT ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Lead_tally_delete" AFTER DELETE ON "Lead"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "lead_tally_delete"();

-- Updates: a row trigger that runs only when a counted column changed (the WHEN is checked
-- without calling the function), so the hot path's many updates of other columns (the score on
-- every answer) cost nothing; transition tables would run the function on every update statement.
CREATE FUNCTION "lead_tally_update"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s integer := (pg_backend_pid() % 64);
BEGIN
  INSERT INTO "LeadTally" AS t ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n") VALUES (s, COALESCE(OLD."sourcePlatform", ''), COALESCE(OLD."sourceCampaign", ''), COALESCE(OLD."invitedBy", ''), OLD."stage",
      (OLD."reachedMqlAt" IS NOT NULL OR OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" IN ('MQL', 'SQL')),
      (OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" = 'SQL'),
      ((OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" = 'SQL') AND COALESCE(OLD."ownerId", '') <> ''), -1)
    ON CONFLICT ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed") DO UPDATE SET "n" = t."n" - 1;
  INSERT INTO "LeadTally" AS t ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n") VALUES (s, COALESCE(NEW."sourcePlatform", ''), COALESCE(NEW."sourceCampaign", ''), COALESCE(NEW."invitedBy", ''), NEW."stage",
      (NEW."reachedMqlAt" IS NOT NULL OR NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" IN ('MQL', 'SQL')),
      (NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" = 'SQL'),
      ((NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" = 'SQL') AND COALESCE(NEW."ownerId", '') <> ''), 1)
    ON CONFLICT ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed") DO UPDATE SET "n" = t."n" + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Lead_tally_update" AFTER UPDATE OF "sourcePlatform", "sourceCampaign", "invitedBy", "stage", "ownerId", "reachedMqlAt", "reachedSqlAt" ON "Lead"
  FOR EACH ROW WHEN (OLD."sourcePlatform" IS DISTINCT FROM NEW."sourcePlatform" OR OLD."sourceCampaign" IS DISTINCT FROM NEW."sourceCampaign" OR OLD."invitedBy" IS DISTINCT FROM NEW."invitedBy" OR OLD."stage" IS DISTINCT FROM NEW."stage" OR OLD."ownerId" IS DISTINCT FROM NEW."ownerId" OR OLD."reachedMqlAt" IS DISTINCT FROM NEW."reachedMqlAt" OR OLD."reachedSqlAt" IS DISTINCT FROM NEW."reachedSqlAt")
  EXECUTE FUNCTION "lead_tally_update"();
