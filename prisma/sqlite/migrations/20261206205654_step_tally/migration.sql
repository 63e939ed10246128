-- CreateTable
CREATE TABLE "StepTally" (
    "shard" INTEGER NOT NULL,
    "flowId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shard", "flowId", "stepId", "status")
);

-- Counts from the conversations already stored, then triggers keep them (as LeadTally's do).
INSERT INTO "StepTally" ("shard", "flowId", "stepId", "status", "n")
  SELECT 0, "flowId", COALESCE("currentStep", ''), "status", COUNT(*) FROM "Conversation" GROUP BY 2, 3, 4;

CREATE TRIGGER "Conversation_tally_insert" AFTER INSERT ON "Conversation" BEGIN
  INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n")
    VALUES (0, NEW."flowId", COALESCE(NEW."currentStep", ''), NEW."status", 1)
    ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" + 1;
END;

CREATE TRIGGER "Conversation_tally_delete" AFTER DELETE ON "Conversation" BEGIN
  INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n")
    VALUES (0, OLD."flowId", COALESCE(OLD."currentStep", ''), OLD."status", -1)
    ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" - 1;
END;

CREATE TRIGGER "Conversation_tally_update" AFTER UPDATE OF "flowId", "currentStep", "status" ON "Conversation"
  WHEN OLD."flowId" IS NOT NEW."flowId" OR OLD."currentStep" IS NOT NEW."currentStep" OR OLD."status" IS NOT NEW."status"
BEGIN
  INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n")
    VALUES (0, OLD."flowId", COALESCE(OLD."currentStep", ''), OLD."status", -1)
    ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" - 1;
  INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n")
    VALUES (0, NEW."flowId", COALESCE(NEW."currentStep", ''), NEW."status", 1)
    ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" + 1;
END;
