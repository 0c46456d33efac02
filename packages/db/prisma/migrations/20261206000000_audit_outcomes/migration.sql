-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "outcome" TEXT NOT NULL DEFAULT 'ok',
ADD COLUMN     "principal_name" TEXT,
ADD COLUMN     "principal_role" TEXT,
ADD COLUMN     "reason" TEXT,
ADD COLUMN     "token_id" TEXT;

-- CreateIndex
CREATE INDEX "audit_events_action_created_at_idx" ON "audit_events"("action", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_token_id_created_at_idx" ON "audit_events"("token_id", "created_at");
