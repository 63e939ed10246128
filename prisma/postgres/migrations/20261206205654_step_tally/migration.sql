-- CreateTable
CREATE TABLE "StepTally" (
    "shard" INTEGER NOT NULL,
    "flowId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "status" "ConversationStatus" NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "StepTally_pkey" PRIMARY KEY ("shard","flowId","stepId","status")
);

-- Counts from the conversations already stored, then triggers keep them (as LeadTally's do).
INSERT INTO "StepTally" ("shard", "flowId", "stepId", "status", "n")
  SELECT 0, "flowId", COALESCE("currentStep", ''), "status", COUNT(*) FROM "Conversation" GROUP BY 2, 3, 4;

CREATE FUNCTION "step_tally_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s integer := floor(random() * 16)::integer;
BEGIN
  IF TG_OP = 'UPDATE' AND NOT (OLD."flowId" IS DISTINCT FROM NEW."flowId" OR OLD."currentStep" IS DISTINCT FROM NEW."currentStep" OR OLD."status" IS DISTINCT FROM NEW."status") THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n")
    VALUES (s, OLD."flowId", COALESCE(OLD."currentStep", ''), OLD."status", -1)
    ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" - 1;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n")
    VALUES (s, NEW."flowId", COALESCE(NEW."currentStep", ''), NEW."status", 1)
    ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Conversation_tally" AFTER INSERT OR DELETE OR UPDATE OF "flowId", "currentStep", "status" ON "Conversation"
  FOR EACH ROW EXECUTE FUNCTION "step_tally_apply"();
