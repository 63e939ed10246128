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

-- Statement-level, as LeadTally's triggers (migration lead_tally) and for the same reasons.

CREATE FUNCTION "step_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n")
  SELECT (pg_backend_pid() % 64), "flowId", "stepId", "status", SUM("d")
  FROM (
    SELECT r."flowId", COALESCE(r."currentStep", ''), r."status", 1 FROM new_rows r
  ) AS c ("flowId", "stepId", "status", "d")
  GROUP BY "flowId", "stepId", "status"
  HAVING SUM("d") <> 0
  ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Conversation_tally_insert" AFTER INSERT ON "Conversation"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "step_tally_insert"();

CREATE FUNCTION "step_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n")
  SELECT (pg_backend_pid() % 64), "flowId", "stepId", "status", SUM("d")
  FROM (
    SELECT r."flowId", COALESCE(r."currentStep", ''), r."status", -1 FROM old_rows r
  ) AS c ("flowId", "stepId", "status", "d")
  GROUP BY "flowId", "stepId", "status"
  HAVING SUM("d") <> 0
  ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Conversation_tally_delete" AFTER DELETE ON "Conversation"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "step_tally_delete"();

-- Updates: a row trigger that runs only when a counted column changed (the WHEN is checked
-- without calling the function), so the hot path's many updates of other columns (the score on
-- every answer) cost nothing; transition tables would run the function on every update statement.
CREATE FUNCTION "step_tally_update"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s integer := (pg_backend_pid() % 64);
BEGIN
  INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n") VALUES (s, OLD."flowId", COALESCE(OLD."currentStep", ''), OLD."status", -1)
    ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" - 1;
  INSERT INTO "StepTally" AS t ("shard", "flowId", "stepId", "status", "n") VALUES (s, NEW."flowId", COALESCE(NEW."currentStep", ''), NEW."status", 1)
    ON CONFLICT ("shard", "flowId", "stepId", "status") DO UPDATE SET "n" = t."n" + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Conversation_tally_update" AFTER UPDATE OF "flowId", "currentStep", "status" ON "Conversation"
  FOR EACH ROW WHEN (OLD."flowId" IS DISTINCT FROM NEW."flowId" OR OLD."currentStep" IS DISTINCT FROM NEW."currentStep" OR OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "step_tally_update"();
