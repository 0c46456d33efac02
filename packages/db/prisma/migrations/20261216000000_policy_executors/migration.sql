-- Policy executors you deploy: registered by name, reached at their URL with a sealed call token.
CREATE TABLE "policy_executors" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "group" TEXT,
    "capacity" INTEGER NOT NULL,
    "call_token_sealed" TEXT NOT NULL,
    "in_flight" INTEGER NOT NULL DEFAULT 0,
    "served" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "registered_by" TEXT,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_executors_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "policy_executors_name_key" ON "policy_executors"("name");
CREATE INDEX "policy_executors_group_idx" ON "policy_executors"("group");
