-- Quality checks sent on: each vDAG's webhook secret (sealed), the webhook outbox, and the manual
-- audit queue.
CREATE TABLE "quality_webhook_secrets" (
    "vdag_uri" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quality_webhook_secrets_pkey" PRIMARY KEY ("vdag_uri")
);

CREATE TABLE "quality_webhook_deliveries" (
    "id" UUID NOT NULL,
    "vdag_uri" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "url" TEXT,
    "body" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL,
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "history" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quality_webhook_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "quality_webhook_deliveries_vdag_uri_task_id_key" ON "quality_webhook_deliveries"("vdag_uri", "task_id");
CREATE INDEX "quality_webhook_deliveries_status_next_attempt_at_idx" ON "quality_webhook_deliveries"("status", "next_attempt_at");

CREATE TABLE "quality_audit_items" (
    "id" UUID NOT NULL,
    "vdag_uri" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "controller_id" TEXT,
    "input" JSONB NOT NULL,
    "output" JSONB NOT NULL,
    "verdict" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reviewer_verdict" TEXT,
    "note" TEXT,
    "reviewer" TEXT,
    "reviewed_at" TIMESTAMPTZ(3),
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quality_audit_items_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "quality_audit_items_vdag_uri_task_id_key" ON "quality_audit_items"("vdag_uri", "task_id");
CREATE INDEX "quality_audit_items_status_sampled_at_idx" ON "quality_audit_items"("status", "sampled_at");
CREATE INDEX "quality_audit_items_vdag_uri_sampled_at_idx" ON "quality_audit_items"("vdag_uri", "sampled_at");
