-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Answer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "conversationId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "value" JSONB,
    "rawText" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "accepted" BOOLEAN NOT NULL,
    "inferred" BOOLEAN NOT NULL DEFAULT false,
    "evidence" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Answer_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Answer" ("accepted", "attempt", "conversationId", "createdAt", "id", "rawText", "stepId", "value") SELECT "accepted", "attempt", "conversationId", "createdAt", "id", "rawText", "stepId", "value" FROM "Answer";
DROP TABLE "Answer";
ALTER TABLE "new_Answer" RENAME TO "Answer";
CREATE INDEX "Answer_conversationId_createdAt_idx" ON "Answer"("conversationId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
