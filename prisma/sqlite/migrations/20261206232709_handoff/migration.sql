-- AlterTable
ALTER TABLE "Lead" ADD COLUMN "openHandoffId" TEXT;

-- CreateTable
CREATE TABLE "Handoff" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT NOT NULL,
    "openLeadId" TEXT,
    "alertSink" TEXT NOT NULL,
    "alertRef" TEXT NOT NULL,
    "prospectPlatform" TEXT NOT NULL,
    "prospectWorkspace" TEXT NOT NULL,
    "prospectUserId" TEXT NOT NULL,
    "prospectChannel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "openedBy" TEXT NOT NULL,
    "openedByName" TEXT,
    "openedAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    "closedBy" TEXT,
    CONSTRAINT "Handoff_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TranscriptMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT NOT NULL,
    "handoffId" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "authorName" TEXT,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "TranscriptMessage_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TranscriptMessage_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Handoff_openLeadId_key" ON "Handoff"("openLeadId");

-- CreateIndex
CREATE INDEX "Handoff_leadId_openedAt_idx" ON "Handoff"("leadId", "openedAt");

-- CreateIndex
CREATE INDEX "TranscriptMessage_leadId_id_idx" ON "TranscriptMessage"("leadId", "id");

-- CreateIndex
CREATE INDEX "TranscriptMessage_handoffId_idx" ON "TranscriptMessage"("handoffId");

-- CreateIndex
CREATE INDEX "OutboxMessage_kind_externalRef_idx" ON "OutboxMessage"("kind", "externalRef");
