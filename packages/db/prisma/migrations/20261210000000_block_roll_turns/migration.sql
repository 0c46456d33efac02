-- Whose turn it is to roll a block's instances onto a new configuration: one node at a time.
CREATE TABLE "block_roll_turns" (
    "block_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "block_roll_turns_pkey" PRIMARY KEY ("block_id")
);

-- AddForeignKey
ALTER TABLE "block_roll_turns" ADD CONSTRAINT "block_roll_turns_block_id_fkey" FOREIGN KEY ("block_id") REFERENCES "blocks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
