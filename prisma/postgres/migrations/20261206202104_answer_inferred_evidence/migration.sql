-- AlterTable
ALTER TABLE "Answer" ADD COLUMN     "evidence" TEXT,
ADD COLUMN     "inferred" BOOLEAN NOT NULL DEFAULT false;
