-- AlterTable
ALTER TABLE "ScheduledMessage" ADD COLUMN     "channel" TEXT NOT NULL DEFAULT 'chat',
ADD COLUMN     "sentVia" TEXT;
