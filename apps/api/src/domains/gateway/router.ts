import { adminChangeProcedure, dryRunProcedure, router, viewerProcedure } from "../../trpc";
import {
  ZPreCheckDecision,
  ZPreCheckDryRunRequest,
  ZPreCheckPoliciesResponse,
  ZSetPreCheckPolicyRequest,
  ZSetPreCheckPolicyResponse,
} from "./gateway.types";

/** The gateway's governing pre-checks: the network's and each cluster's map, and dry runs. */
export const gatewayRouter = router({
  preCheckPolicies: viewerProcedure
    .output(ZPreCheckPoliciesResponse)
    .query(({ ctx }) => ctx.services.preCheckPolicies.list()),
  /** Sets (or with "" removes) the pre-check policy of an action, network-wide or for one cluster. */
  setPreCheckPolicy: adminChangeProcedure
    .input(ZSetPreCheckPolicyRequest)
    .output(ZSetPreCheckPolicyResponse)
    .mutation(({ ctx, input }) => ctx.services.preCheckPolicies.set(input)),
  /** What the action's pre-check would decide for an input; nothing acts on it, nothing is recorded. */
  dryRun: dryRunProcedure
    .input(ZPreCheckDryRunRequest)
    .output(ZPreCheckDecision)
    .mutation(({ ctx, input }) => ctx.services.preCheckPolicies.dryRun(input)),
});
