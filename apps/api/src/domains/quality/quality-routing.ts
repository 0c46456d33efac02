import {
  QUALITY_WEBHOOK_EVENT,
  type TQualitySample,
  type TQualityWebhookBody,
  ZQualityWebhookSpec,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { asObject } from "../registry/doc";

export interface QualityRoutingSettings {
  /** Attempts of a delivery unless the vDAG's `qualityChecker.webhook.maxAttempts` says otherwise. */
  maxAttempts: number;
}

/** The vDAG's `qualityChecker.webhook`, or null when it has none (or an invalid one). */
export function webhookOf(doc: unknown): { url: string; maxAttempts?: number } | null {
  const spec = asObject(asObject(doc).controller).qualityChecker;
  const webhook = ZQualityWebhookSpec.safeParse(asObject(spec).webhook);
  return webhook.success ? webhook.data : null;
}

const verdictOf = (s: TQualitySample) => ({
  passed: s.passed,
  score: s.score,
  ...(s.reason !== undefined && { reason: s.reason }),
});

/**
 * Sends on the samples a controller's quality policy routed: `manual` ones become audit items,
 * `webhook` ones deliveries in the outbox (the poller posts them). Each (vDAG, task) once: a
 * report replayed by the agent adds nothing. A `webhook` sample of a vDAG without a webhook is
 * stored as a failed delivery that says so.
 */
export function createQualityRouting(db: Db, settings: QualityRoutingSettings) {
  return {
    async route(vdagURI: string, controllerId: string, samples: TQualitySample[]) {
      const manual = samples.filter((s) => s.route === "manual");
      const webhook = samples.filter((s) => s.route === "webhook");
      if (manual.length > 0)
        await db.qualityAuditItem.createMany({
          data: manual.map((s) => ({
            vdagURI,
            taskId: s.taskId,
            controllerId,
            input: (s.input ?? null) as Prisma.InputJsonValue,
            output: (s.output ?? null) as Prisma.InputJsonValue,
            verdict: verdictOf(s) as Prisma.InputJsonValue,
            sampledAt: new Date(s.at),
          })),
          skipDuplicates: true,
        });
      if (webhook.length === 0) return { manual: manual.length, webhook: 0 };
      const vdag = await db.vdag.findUnique({ where: { vdagURI }, select: { doc: true } });
      const target = webhookOf(vdag?.doc);
      await db.qualityWebhookDelivery.createMany({
        data: webhook.map((s) => {
          const id = crypto.randomUUID();
          const body: TQualityWebhookBody = {
            event: QUALITY_WEBHOOK_EVENT,
            deliveryId: id,
            vdagURI,
            taskId: s.taskId,
            sampledAt: new Date(s.at).toISOString(),
            verdict: verdictOf(s),
            input: s.input ?? null,
            output: s.output ?? null,
          };
          return {
            id,
            vdagURI,
            taskId: s.taskId,
            url: target?.url ?? null,
            body: body as unknown as Prisma.InputJsonValue,
            maxAttempts: target?.maxAttempts ?? settings.maxAttempts,
            ...(target
              ? {}
              : {
                  status: "failed",
                  nextAttemptAt: null,
                  lastError: "the vDAG has no qualityChecker.webhook to deliver to",
                }),
          };
        }),
        skipDuplicates: true,
      });
      return { manual: manual.length, webhook: webhook.length };
    },
  };
}

export type QualityRouting = ReturnType<typeof createQualityRouting>;
