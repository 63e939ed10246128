-- CreateIndex
CREATE INDEX "OutboxMessage_kind_status_deliveredAt_idx" ON "OutboxMessage"("kind", "status", "deliveredAt");
