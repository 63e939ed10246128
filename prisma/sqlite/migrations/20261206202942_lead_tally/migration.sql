-- CreateTable
CREATE TABLE "LeadTally" (
    "shard" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "campaign" TEXT NOT NULL,
    "inviter" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "mql" BOOLEAN NOT NULL,
    "sql" BOOLEAN NOT NULL,
    "claimed" BOOLEAN NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed")
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

CREATE TRIGGER "Lead_tally_insert" AFTER INSERT ON "Lead" BEGIN
  INSERT INTO "LeadTally" ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n")
    VALUES (0, COALESCE(NEW."sourcePlatform", ''), COALESCE(NEW."sourceCampaign", ''), COALESCE(NEW."invitedBy", ''), NEW."stage",
      (NEW."reachedMqlAt" IS NOT NULL OR NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" IN ('MQL', 'SQL')),
      (NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" = 'SQL'),
      ((NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" = 'SQL') AND COALESCE(NEW."ownerId", '') <> ''), 1)
    ON CONFLICT ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "Lead_tally_delete" AFTER DELETE ON "Lead" BEGIN
  INSERT INTO "LeadTally" ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n")
    VALUES (0, COALESCE(OLD."sourcePlatform", ''), COALESCE(OLD."sourceCampaign", ''), COALESCE(OLD."invitedBy", ''), OLD."stage",
      (OLD."reachedMqlAt" IS NOT NULL OR OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" IN ('MQL', 'SQL')),
      (OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" = 'SQL'),
      ((OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" = 'SQL') AND COALESCE(OLD."ownerId", '') <> ''), -1)
    ON CONFLICT ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed") DO UPDATE SET "n" = "n" - 1;
END;

CREATE TRIGGER "Lead_tally_update" AFTER UPDATE OF "sourcePlatform", "sourceCampaign", "invitedBy", "stage", "ownerId", "reachedMqlAt", "reachedSqlAt" ON "Lead"
  WHEN OLD."sourcePlatform" IS NOT NEW."sourcePlatform" OR OLD."sourceCampaign" IS NOT NEW."sourceCampaign" OR OLD."invitedBy" IS NOT NEW."invitedBy" OR OLD."stage" IS NOT NEW."stage" OR OLD."ownerId" IS NOT NEW."ownerId" OR OLD."reachedMqlAt" IS NOT NEW."reachedMqlAt" OR OLD."reachedSqlAt" IS NOT NEW."reachedSqlAt"
BEGIN
  INSERT INTO "LeadTally" ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n")
    VALUES (0, COALESCE(OLD."sourcePlatform", ''), COALESCE(OLD."sourceCampaign", ''), COALESCE(OLD."invitedBy", ''), OLD."stage",
      (OLD."reachedMqlAt" IS NOT NULL OR OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" IN ('MQL', 'SQL')),
      (OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" = 'SQL'),
      ((OLD."reachedSqlAt" IS NOT NULL OR OLD."stage" = 'SQL') AND COALESCE(OLD."ownerId", '') <> ''), -1)
    ON CONFLICT ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed") DO UPDATE SET "n" = "n" - 1;
  INSERT INTO "LeadTally" ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed", "n")
    VALUES (0, COALESCE(NEW."sourcePlatform", ''), COALESCE(NEW."sourceCampaign", ''), COALESCE(NEW."invitedBy", ''), NEW."stage",
      (NEW."reachedMqlAt" IS NOT NULL OR NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" IN ('MQL', 'SQL')),
      (NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" = 'SQL'),
      ((NEW."reachedSqlAt" IS NOT NULL OR NEW."stage" = 'SQL') AND COALESCE(NEW."ownerId", '') <> ''), 1)
    ON CONFLICT ("shard", "platform", "campaign", "inviter", "stage", "mql", "sql", "claimed") DO UPDATE SET "n" = "n" + 1;
END;
