-- AlterTable
ALTER TABLE "Lead" ADD COLUMN "invitedBy" TEXT;

-- CreateIndex
CREATE INDEX "Lead_invitedBy_idx" ON "Lead"("invitedBy");
