-- AlterTable
ALTER TABLE "Identity" ADD COLUMN "displayName" TEXT;
ALTER TABLE "Identity" ADD COLUMN "profileUrl" TEXT;

-- AlterTable
ALTER TABLE "Lead" ADD COLUMN "sourceChannelName" TEXT;
ALTER TABLE "Lead" ADD COLUMN "sourceWorkspaceName" TEXT;
