import {
  MAX_FUNCTION_REPLICAS,
  ZDnsLabel,
  ZFunctionAutoscaling,
  ZPolicyCallResult,
  ZPolicyFunctionRecord,
} from "@aios/contracts";
import { z } from "zod";
import { changeProcedure, router, viewerProcedure } from "../../trpc";
import { readProcedures, ZPage } from "../registry/procedures";

const ZJsonObject = z.record(z.string(), z.unknown());
const ZName = z.object({ name: ZDnsLabel });
const ZInvokeResult = ZPolicyCallResult.extend({ replica: z.number().int() });

/** Execution type 4: stateful policy functions hosted by agents. */
export const functionsRouter = router({
  deploy: changeProcedure
    .input(
      z.object({
        name: ZDnsLabel,
        policyRuleURI: z.string().min(1),
        clusterId: z.string().min(1).default("local"),
        /** Default: the autoscaling's minReplicas, else 1. */
        replicas: z.number().int().min(1).max(MAX_FUNCTION_REPLICAS).optional(),
        settings: ZJsonObject.optional(),
        parameters: ZJsonObject.optional(),
        /** Rules its agent scales it by (calls in flight per replica). */
        autoscaling: ZFunctionAutoscaling.optional(),
      }),
    )
    .output(ZPolicyFunctionRecord)
    .mutation(({ ctx, input }) => ctx.services.functions.deploy(input)),
  ...readProcedures({ record: ZPolicyFunctionRecord, key: "name", reader: (s) => s.registries.functions }),
  list: viewerProcedure
    .input(ZPage.extend({ clusterId: z.string().optional() }).optional())
    .output(z.array(ZPolicyFunctionRecord))
    .query(({ ctx, input }) => ctx.services.functions.list(input ?? {})),
  scale: changeProcedure
    .input(ZName.extend({ replicas: z.number().int().min(1).max(MAX_FUNCTION_REPLICAS) }))
    .output(ZPolicyFunctionRecord)
    .mutation(({ ctx, input }) => ctx.services.functions.scale(input.name, input.replicas)),
  /** New autoscaling rules, or none (`null`): the replicas are brought within them. */
  setAutoscaling: changeProcedure
    .input(ZName.extend({ autoscaling: ZFunctionAutoscaling.nullable() }))
    .output(ZPolicyFunctionRecord)
    .mutation(({ ctx, input }) => ctx.services.functions.setAutoscaling(input.name, input.autoscaling)),
  remove: changeProcedure
    .input(ZName)
    .output(ZPolicyFunctionRecord)
    .mutation(({ ctx, input }) => ctx.services.functions.remove(input.name)),
  invoke: changeProcedure
    .input(ZName.extend({ input: z.unknown(), replica: z.number().int().min(0).optional() }))
    .output(ZInvokeResult)
    .mutation(({ ctx, input }) =>
      ctx.services.functions.invoke(input.name, "invoke", { input: input.input }, input.replica),
    ),
  management: changeProcedure
    .input(
      ZName.extend({
        action: z.string().min(1),
        data: z.unknown(),
        replica: z.number().int().min(0).optional(),
      }),
    )
    .output(ZInvokeResult)
    .mutation(({ ctx, input }) =>
      ctx.services.functions.invoke(
        input.name,
        "management",
        { action: input.action, data: input.data },
        input.replica,
      ),
    ),
});
