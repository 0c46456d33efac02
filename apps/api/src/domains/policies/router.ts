import {
  ZDryRunResult,
  ZPolicyCallResult,
  ZPolicyJobRecord,
  ZPolicyKind,
  ZPolicyRecord,
  ZPolicySource,
} from "@aios/contracts";
import { z } from "zod";
import { changeProcedure, dryRunProcedure, router, viewerProcedure } from "../../trpc";
import { rankedReadProcedures, ZPage } from "../registry/procedures";
import {
  ZCreatePolicyRequest,
  ZCreateVersionRequest,
  ZDryRunRequest,
  ZExecuteRequest,
  ZSubmitJobRequest,
} from "./policy.types";

const ZCreated = z.object({ created: z.boolean(), policy: ZPolicyRecord });

export const policiesRouter = router({
  list: viewerProcedure
    .input(ZPage.extend({ kind: ZPolicyKind.optional() }).optional())
    .output(z.array(ZPolicyRecord))
    .query(({ ctx, input }) => ctx.services.policies.list(input)),
  ...rankedReadProcedures({
    record: ZPolicyRecord,
    key: "policyRuleURI",
    reader: (s) => s.policies,
    registry: "policies",
  }),
  /** Code, kind and defaults, for a process that loads the policy itself (execution type 1). */
  source: viewerProcedure
    .input(z.object({ policyRuleURI: z.string().min(1) }))
    .output(ZPolicySource)
    .query(({ ctx, input }) => ctx.services.policySources.get(input.policyRuleURI)),
  versions: viewerProcedure
    .input(z.object({ name: z.string().min(1) }))
    .output(z.array(ZPolicyRecord))
    .query(({ ctx, input }) => ctx.services.policies.versions(input.name)),
  /** `createPolicy` values directly (the Parser takes the same as a spec document). */
  create: changeProcedure
    .input(ZCreatePolicyRequest)
    .output(ZCreated)
    .mutation(({ ctx, input }) => ctx.services.policies.createFromSpec(input.values)),
  createVersion: changeProcedure
    .input(ZCreateVersionRequest)
    .output(ZCreated)
    .mutation(({ ctx, input }) => ctx.services.policies.createVersion(input)),
  /**
   * Execution type 2: the central executor (stateless; warm isolates), or a deployed executor
   * (`executorId`, or the least loaded of an `executorGroup`), after the same checks of the values.
   */
  execute: changeProcedure
    .input(ZExecuteRequest)
    .output(ZPolicyCallResult)
    .mutation(async ({ ctx, input }) => {
      if (input.executorId === undefined && input.executorGroup === undefined)
        return ctx.services.policyRuntime.execute(input.policyRuleURI, input.input, input);
      await ctx.services.policyRuntime.checkValues(input.policyRuleURI, input);
      return ctx.services.executorCalls.execute(input, input);
    }),
  /** Runs the policy's code on a sample input: operator+, audited like every run. */
  dryRun: dryRunProcedure
    .input(ZDryRunRequest)
    .output(ZDryRunResult)
    .mutation(({ ctx, input }) => ctx.services.policyRuntime.dryRun(input)),
  /** Execution type 3: run once as a job on a cluster's agent. */
  submitJob: changeProcedure
    .input(ZSubmitJobRequest)
    .output(ZPolicyJobRecord)
    .mutation(({ ctx, input }) => ctx.services.policyJobs.submit(input)),
  getJob: viewerProcedure
    .input(z.object({ id: z.string().min(1) }))
    .output(ZPolicyJobRecord)
    .query(({ ctx, input }) => ctx.services.policyJobs.get(input.id)),
  jobs: viewerProcedure
    .input(
      z
        .object({
          policyRuleURI: z.string().optional(),
          clusterId: z.string().optional(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .optional(),
    )
    .output(z.array(ZPolicyJobRecord))
    .query(({ ctx, input }) => ctx.services.policyJobs.list(input ?? {})),
});
