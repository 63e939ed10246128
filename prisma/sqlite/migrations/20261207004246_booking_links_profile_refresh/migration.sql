-- AlterTable
ALTER TABLE "Identity" ADD COLUMN "profileAt" DATETIME;

-- CreateTable
CREATE TABLE "BookingLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "firstClickedAt" DATETIME,
    "lastClickedAt" DATETIME,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "BookingLink_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "BookingLink_leadId_idx" ON "BookingLink"("leadId");
