import type { Db, Prisma } from "@aios/db";
import { NotFoundError } from "../../errors";

type BlockRow = Prisma.BlockGetPayload<object>;

/**
 * Runs `change` with the block's row locked (SELECT … FOR UPDATE), so that writers of one block
 * (the API's commands, the agents' reports, the autoscaler, placement) never overwrite each
 * other's fields.
 */
export function lockedBlock<T>(
  db: Db,
  id: string,
  change: (tx: Prisma.TransactionClient, r: BlockRow) => Promise<T>,
): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM blocks WHERE id = ${id} FOR UPDATE`;
      const r = await tx.block.findUnique({ where: { id } });
      if (!r) throw new NotFoundError("block", id);
      return change(tx, r);
    },
    // A placement pass may run the block's resourceAllocator policy per new instance.
    { maxWait: 10_000, timeout: 30_000 },
  );
}
