-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ScheduledMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "conversationId" TEXT,
    "platform" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "dueAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "basis" DATETIME,
    "outcome" TEXT,
    "doneAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "channel" TEXT NOT NULL DEFAULT 'chat',
    "sentVia" TEXT,
    CONSTRAINT "ScheduledMessage_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ScheduledMessage" ("attempts", "basis", "channelId", "conversationId", "createdAt", "doneAt", "dueAt", "id", "key", "kind", "leadId", "lockedBy", "lockedUntil", "outcome", "platform", "sequence", "status", "workspaceId") SELECT "attempts", "basis", "channelId", "conversationId", "createdAt", "doneAt", "dueAt", "id", "key", "kind", "leadId", "lockedBy", "lockedUntil", "outcome", "platform", "sequence", "status", "workspaceId" FROM "ScheduledMessage";
DROP TABLE "ScheduledMessage";
ALTER TABLE "new_ScheduledMessage" RENAME TO "ScheduledMessage";
CREATE UNIQUE INDEX "ScheduledMessage_key_key" ON "ScheduledMessage"("key");
CREATE INDEX "ScheduledMessage_status_dueAt_idx" ON "ScheduledMessage"("status", "dueAt");
CREATE INDEX "ScheduledMessage_leadId_idx" ON "ScheduledMessage"("leadId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
