-- The order of blocks.list (newest first), so a page of blocks reads only its rows.
CREATE INDEX "blocks_created_at_id_idx" ON "blocks"("created_at" DESC, "id" DESC);
