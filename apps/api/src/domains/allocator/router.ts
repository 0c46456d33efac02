import { ZAllocationDecision, ZAllocatorDryRunRequest, ZDnsLabel, ZPlacementDryRun } from "@aios/contracts";
import { z } from "zod";
import { dryRunProcedure, router } from "../../trpc";

/** The Resource Allocator: which cluster a block would go to, and why. */
export const allocatorRouter = router({
  /** What createBlock with mode dry_run answers: every candidate with its score, and the choice. Stores nothing. */
  dryRun: dryRunProcedure
    .input(ZAllocatorDryRunRequest)
    .output(ZAllocationDecision)
    .mutation(({ ctx, input }) => ctx.services.allocator.dryRun(input.spec)),
  /**
   * Where a block's next instance would go inside its cluster: every node with its score or the
   * reason it is refused, and the choice (its resourceAllocator policy, else the built-in scorer).
   */
  placement: dryRunProcedure
    .input(z.object({ blockId: ZDnsLabel }))
    .output(ZPlacementDryRun)
    .mutation(({ ctx, input }) => ctx.services.placement.dryRunBlock(input.blockId)),
});
