-- AlterTable
ALTER TABLE "Identity" ADD COLUMN     "displayName" TEXT,
ADD COLUMN     "profileUrl" TEXT;

-- AlterTable
ALTER TABLE "Lead" ADD COLUMN     "sourceChannelName" TEXT,
ADD COLUMN     "sourceWorkspaceName" TEXT;
