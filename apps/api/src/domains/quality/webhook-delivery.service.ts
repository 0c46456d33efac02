import {
  QUALITY_DELIVERY_HEADER,
  QUALITY_EVENT_HEADER,
  QUALITY_SIGNATURE_HEADER,
  QUALITY_WEBHOOK_EVENT,
  type TQualityDelivery,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import { request } from "undici";
import type { WebhookSecrets } from "./webhook-secrets.service";
import { signQualityWebhook } from "./webhook-signature";
import { createWebhookTargets, isTargetRefused, type WebhookTargets } from "./webhook-targets";

export interface WebhookDeliverySettings {
  /** Wait before the 2nd attempt; doubled each attempt after (AIOS_QUALITY_WEBHOOK_BACKOFF_MS, 5000). */
  backoffBaseMs: number;
  /** The longest wait between two attempts (10 minutes). */
  backoffMaxMs: number;
  /** One attempt's time limit (10 s). */
  timeoutMs: number;
  /** How often each API process looks for due deliveries (AIOS_QUALITY_WEBHOOK_POLL_MS, 1000). */
  pollMs: number;
  /** Deliveries one look claims. */
  batch: number;
}

export const DEFAULT_WEBHOOK_DELIVERY: WebhookDeliverySettings = {
  backoffBaseMs: 5_000,
  backoffMaxMs: 600_000,
  timeoutMs: 10_000,
  pollMs: 1_000,
  batch: 10,
};

/** The wait after failed attempt `n` (1-based): base·2^(n-1), capped, times a jitter of 0.8–1.2. */
export function backoffMs(n: number, s: WebhookDeliverySettings, random = Math.random): number {
  const plain = Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** (n - 1));
  return Math.round(plain * (0.8 + 0.4 * random()));
}

interface Claimed {
  id: string;
  url: string;
  body: unknown;
  attempts: number;
  maxAttempts: number;
  vdagURI: string;
  history: unknown[];
}

/**
 * Each due row is claimed by one API process: its attempt counted and its next attempt pushed past
 * the attempt's time limit in the same statement that locks it (FOR UPDATE SKIP LOCKED), so two
 * processes never send one attempt twice, and a process that dies mid-attempt leaves the row due
 * again once that lease ends (at least once: receivers drop repeats by X-AIOS-Delivery).
 */
const CLAIM = `
  UPDATE "quality_webhook_deliveries" d
     SET "attempts" = d."attempts" + 1, "next_attempt_at" = $3::timestamptz
   WHERE d."id" IN (
     SELECT "id" FROM "quality_webhook_deliveries"
      WHERE "status" = 'pending' AND "next_attempt_at" <= $2::timestamptz
      ORDER BY "next_attempt_at" LIMIT $1
      FOR UPDATE SKIP LOCKED)
  RETURNING d."id", d."url", d."body", d."attempts", d."max_attempts" AS "maxAttempts",
            d."vdag_uri" AS "vdagURI", d."history"`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

interface Attempt {
  statusCode: number | null;
  error: string | null;
  /** The target is one the API does not post to: no later attempt would be different. */
  refused?: boolean;
}

/**
 * The quality webhook outbox's sender, in every API process: posts each due delivery signed with
 * its vDAG's secret, records every attempt (status code, error, time), retries with backoff until
 * a 2xx or `maxAttempts`. Rows live in PostgreSQL, so deliveries survive a restart. A delivery
 * whose target `targets` refuses (a private address, by its URL or by what its name resolves to)
 * is failed at its first attempt, nothing sent.
 */
export function createWebhookDelivery(deps: {
  db: Db;
  secrets: WebhookSecrets;
  log: Logger;
  settings?: Partial<WebhookDeliverySettings>;
  /** Where webhooks may go (default: public addresses only). */
  targets?: WebhookTargets;
  now?: () => Date;
}) {
  const { db, secrets, log } = deps;
  const s = { ...DEFAULT_WEBHOOK_DELIVERY, ...deps.settings };
  const now = deps.now ?? (() => new Date());
  const targets = deps.targets ?? createWebhookTargets();

  async function attempt(d: Claimed): Promise<Attempt> {
    const refusal = targets.refusal(d.url);
    if (refusal) return { statusCode: null, error: `not sent: ${refusal}`, refused: true };
    try {
      await secrets.ensure(d.vdagURI);
      const secret = await secrets.reveal(d.vdagURI);
      const body = JSON.stringify(d.body);
      // undici's request follows no redirect: a 3xx is the receiver's answer, not a new target.
      const res = await request(d.url, {
        dispatcher: targets.dispatcher,
        method: "POST",
        body,
        signal: AbortSignal.timeout(s.timeoutMs),
        headers: {
          "content-type": "application/json",
          [QUALITY_SIGNATURE_HEADER]: signQualityWebhook(secret, body, now()),
          [QUALITY_DELIVERY_HEADER]: d.id,
          [QUALITY_EVENT_HEADER]: QUALITY_WEBHOOK_EVENT,
        },
      });
      await res.body.dump().catch(() => undefined);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return { statusCode: res.statusCode, error: ok ? null : `the receiver answered ${res.statusCode}` };
    } catch (err) {
      const refused = isTargetRefused(err);
      const message = refused ? `not sent: ${(err as Error).message}` : (err as Error).message;
      return { statusCode: null, error: message, refused };
    }
  }

  async function deliver(d: Claimed): Promise<void> {
    const started = now();
    const t0 = performance.now();
    const { statusCode, error, refused } = await attempt(d);
    const at = now();
    const history = [
      ...d.history,
      { at: started.toISOString(), statusCode, error, durationMs: Math.round(performance.now() - t0) },
    ];
    const done = error === null;
    const givenUp = !done && (refused === true || d.attempts >= d.maxAttempts);
    const data: Prisma.QualityWebhookDeliveryUpdateManyMutationInput = {
      status: done ? "delivered" : givenUp ? "failed" : "pending",
      lastStatusCode: statusCode,
      lastError: error,
      history: history as Prisma.InputJsonValue,
      deliveredAt: done ? at : null,
      nextAttemptAt: done || givenUp ? null : new Date(at.getTime() + backoffMs(d.attempts, s)),
    };
    // Only the claim that made this attempt records it.
    await db.qualityWebhookDelivery.updateMany({ where: { id: d.id, attempts: d.attempts }, data });
    if (!done) log.warn("quality webhook attempt failed", { id: d.id, attempt: d.attempts, error, givenUp });
  }

  /** Claims the due deliveries and makes one attempt of each; how many were attempted. */
  async function deliverDue(): Promise<number> {
    const t = now();
    const lease = new Date(t.getTime() + s.timeoutMs + 30_000);
    const claimed = await db.$queryRawUnsafe<Claimed[]>(CLAIM, s.batch, t, lease);
    await Promise.all(claimed.map(deliver));
    return claimed.length;
  }

  return {
    deliverDue,

    /** Looks for due deliveries every `pollMs` until stopped; stop waits for the attempts under way. */
    start() {
      let running: Promise<unknown> = Promise.resolve();
      let stopped = false;
      const tick = () => {
        running = deliverDue()
          .catch((err: Error) => log.warn("quality webhook poll failed", { err: err.message }))
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, s.pollMs);
          });
      };
      let timer = setTimeout(tick, s.pollMs);
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
        },
      };
    },

    async list(q: {
      vdagURI: string;
      status?: string | undefined;
      limit: number;
    }): Promise<TQualityDelivery[]> {
      const rows = await db.qualityWebhookDelivery.findMany({
        where: { vdagURI: q.vdagURI, ...(q.status && { status: q.status }) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: q.limit,
      });
      return rows.map((r) => ({
        id: r.id,
        vdagURI: r.vdagURI,
        taskId: r.taskId,
        url: r.url,
        status: r.status as TQualityDelivery["status"],
        attempts: r.attempts,
        maxAttempts: r.maxAttempts,
        nextAttemptAt: iso(r.nextAttemptAt),
        lastStatusCode: r.lastStatusCode,
        lastError: r.lastError,
        deliveredAt: iso(r.deliveredAt),
        history: r.history as TQualityDelivery["history"],
        createdAt: r.createdAt.toISOString(),
      }));
    },
  };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;
