-- Block events: the platform's and the instances' events of each block, with what the block's
-- event policy answered (bounded per block by the API).
CREATE TABLE "block_events" (
    "id" SERIAL NOT NULL,
    "block_id" TEXT NOT NULL,
    "instance_id" TEXT,
    "cluster_id" TEXT,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "source" TEXT NOT NULL,
    "outcome" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "block_events_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "block_events_block_id_id_idx" ON "block_events"("block_id", "id");
