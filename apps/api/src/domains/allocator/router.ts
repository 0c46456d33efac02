import { ZAllocationDecision, ZAllocatorDryRunRequest } from "@aios/contracts";
import { dryRunProcedure, router } from "../../trpc";

/** The Resource Allocator: which cluster a block would go to, and why. */
export const allocatorRouter = router({
  /** What createBlock with mode dry_run answers: every candidate with its score, and the choice. Stores nothing. */
  dryRun: dryRunProcedure
    .input(ZAllocatorDryRunRequest)
    .output(ZAllocationDecision)
    .mutation(({ ctx, input }) => ctx.services.allocator.dryRun(input.spec)),
});
