-- CreateTable
CREATE TABLE "OutreachContact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contactId" TEXT NOT NULL,
    "person" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OutreachOptOut" (
    "person" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LinkCode" (
    "code" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LinkCode_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "OutreachContact_person_kind_at_idx" ON "OutreachContact"("person", "kind", "at");

-- CreateIndex
CREATE INDEX "OutreachContact_channelId_kind_at_idx" ON "OutreachContact"("channelId", "kind", "at");

-- CreateIndex
CREATE UNIQUE INDEX "OutreachContact_contactId_person_key" ON "OutreachContact"("contactId", "person");

-- CreateIndex
CREATE INDEX "LinkCode_leadId_idx" ON "LinkCode"("leadId");
