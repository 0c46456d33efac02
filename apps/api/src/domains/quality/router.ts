import {
  ZQualityAuditItem,
  ZQualityAuditItemId,
  ZQualityAuditList,
  ZQualityDelivery,
  ZQualityDeliveryList,
  ZQualityVerdictInput,
} from "@aios/contracts";
import { z } from "zod";
import { adminChangeProcedure, changeProcedure, router, viewerProcedure } from "../../trpc";

const ZUri = z.object({ vdagURI: z.string().min(1, "must not be empty") });
const ZSecret = z.object({ vdagURI: z.string(), secret: z.string() });

/**
 * Quality checks sent on: the manual audit queue (viewers read it; operators, the reviewers,
 * record verdicts, audited), the webhook outbox's deliveries, and each vDAG's webhook secret
 * (admins only, audited).
 */
export const qualityRouter = router({
  /** Audit items, newest first, by vDAG and status; `before` (an item's id) pages on. */
  auditItems: viewerProcedure
    .input(ZQualityAuditList)
    .output(z.array(ZQualityAuditItem))
    .query(({ ctx, input }) => ctx.services.qualityAudit.list(input)),
  auditItem: viewerProcedure
    .input(ZQualityAuditItemId)
    .output(ZQualityAuditItem)
    .query(({ ctx, input }) => ctx.services.qualityAudit.get(input.id)),
  /** pass or fail and a note, once per item (a second verdict is refused: 409). */
  recordVerdict: changeProcedure
    .input(ZQualityVerdictInput)
    .output(ZQualityAuditItem)
    .mutation(({ ctx, input }) =>
      ctx.services.qualityAudit.recordVerdict(input, ctx.principal?.tokenId ?? "open-mode"),
    ),
  /** The webhook deliveries of a vDAG's samples with every attempt's outcome, newest first. */
  deliveries: viewerProcedure
    .input(ZQualityDeliveryList)
    .output(z.array(ZQualityDelivery))
    .query(({ ctx, input }) => ctx.services.qualityWebhooks.list(input)),
  /** The vDAG's webhook secret in clear (a mutation: never cached, always audited). */
  webhookSecret: adminChangeProcedure
    .input(ZUri)
    .output(ZSecret)
    .mutation(async ({ ctx, input }) => ({
      vdagURI: input.vdagURI,
      secret: await ctx.services.webhookSecrets.reveal(input.vdagURI),
    })),
  /** A new secret for the vDAG's webhook; the old one signs nothing more. */
  rotateWebhookSecret: adminChangeProcedure
    .input(ZUri)
    .output(ZSecret)
    .mutation(async ({ ctx, input }) => ({
      vdagURI: input.vdagURI,
      secret: await ctx.services.webhookSecrets.rotate(input.vdagURI),
    })),
});
