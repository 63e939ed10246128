-- CreateTable
CREATE TABLE "OutreachContact" (
    "id" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "person" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutreachContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutreachOptOut" (
    "person" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutreachOptOut_pkey" PRIMARY KEY ("person")
);

-- CreateTable
CREATE TABLE "LinkCode" (
    "code" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinkCode_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE INDEX "OutreachContact_person_kind_at_idx" ON "OutreachContact"("person", "kind", "at");

-- CreateIndex
CREATE INDEX "OutreachContact_channelId_kind_at_idx" ON "OutreachContact"("channelId", "kind", "at");

-- CreateIndex
CREATE UNIQUE INDEX "OutreachContact_contactId_person_key" ON "OutreachContact"("contactId", "person");

-- CreateIndex
CREATE INDEX "LinkCode_leadId_idx" ON "LinkCode"("leadId");

-- AddForeignKey
ALTER TABLE "LinkCode" ADD CONSTRAINT "LinkCode_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;
