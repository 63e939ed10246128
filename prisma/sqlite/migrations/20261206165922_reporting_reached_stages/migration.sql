-- AlterTable
ALTER TABLE "Lead" ADD COLUMN "reachedMqlAt" DATETIME;
ALTER TABLE "Lead" ADD COLUMN "reachedSqlAt" DATETIME;

-- Backfill: when each lead first reached MQL and SQL, from its stage history.
UPDATE "Lead" SET
  "reachedMqlAt" = (SELECT MIN("createdAt") FROM "StageChange"
                    WHERE "StageChange"."leadId" = "Lead"."id" AND "StageChange"."toStage" = 'MQL'),
  "reachedSqlAt" = (SELECT MIN("createdAt") FROM "StageChange"
                    WHERE "StageChange"."leadId" = "Lead"."id" AND "StageChange"."toStage" = 'SQL');

-- CreateIndex
CREATE INDEX "Lead_reachedSqlAt_idx" ON "Lead"("reachedSqlAt");

-- CreateIndex
CREATE INDEX "Lead_reporting_idx" ON "Lead"("sourcePlatform", "sourceCampaign", "invitedBy", "stage", "ownerId", "reachedMqlAt", "reachedSqlAt", "createdAt");
