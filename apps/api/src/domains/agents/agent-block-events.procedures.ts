import { ZBlockEventJob, ZBlockEventOutcome, ZPolicyCallResult, ZPolicyKind } from "@aios/contracts";
import { z } from "zod";
import { agentProcedure } from "../../trpc";
import { agentScope } from "./agent-scope";

const ZJsonObject = z.record(z.string(), z.unknown());
const ZEventId = z.number().int().min(1);

/**
 * The duty holder's side of the block events' policies (part of `agents.work`): for each
 * `block.event` job of its cluster's queue it fetches the policy, runs it and reports the result.
 * An agent reaches the events of its own cluster's blocks only.
 */
export const agentBlockEventProcedures = {
  /**
   * The policy to run for a queued event (code, the handler's values over its defaults); null when
   * nothing is left to run: the event is gone, has its outcome already (a retried job), or its
   * policy cannot run (stored as its failed outcome, with a `policy_failed` event).
   */
  blockEventPolicy: agentProcedure
    .input(z.object({ eventId: ZEventId, handler: ZBlockEventJob.shape.handler }))
    .output(
      z.object({
        source: z
          .object({ code: z.string(), kind: ZPolicyKind, settings: ZJsonObject, parameters: ZJsonObject })
          .nullable(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.blockEvents.policies.work(input.eventId, input.handler, agentScope(ctx.principal)),
    ),
  /**
   * What an event's policy answered: stored with the event and acted on (`{scale}`, `{mgmtCommand}`,
   * as the system), a failure adding `policy_failed`; `stored` false when the event had its outcome
   * already (nothing is done twice) or is gone.
   */
  blockEventOutcome: agentProcedure
    .input(z.object({ eventId: ZEventId, policyRuleURI: z.string().min(1), result: ZPolicyCallResult }))
    .output(z.object({ stored: z.boolean(), outcome: ZBlockEventOutcome.nullable() }))
    .mutation(({ ctx, input }) =>
      ctx.services.blockEvents.policies.report(
        input.eventId,
        input.policyRuleURI,
        input.result,
        agentScope(ctx.principal),
      ),
    ),
};
