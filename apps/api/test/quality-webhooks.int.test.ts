import {
  QUALITY_DELIVERY_HEADER,
  QUALITY_SIGNATURE_HEADER,
  type TQualitySample,
  type TQualityWebhookBody,
} from "@aios/contracts";
import { createLogger } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookDelivery, type WebhookDelivery } from "../src/domains/quality/webhook-delivery.service";
import { verifyQualityWebhook } from "../src/domains/quality/webhook-signature";
import { createWebhookTargets } from "../src/domains/quality/webhook-targets";
import { useApi } from "./harness";
import { issuesOf, qualitySample, vdagsWithWebhooks, webhookReceiver } from "./quality-fixtures";

/**
 * Quality samples a controller's policy routed to `webhook`, as its agent reports them, delivered by
 * the API's outbox to a real HTTP receiver: signed with the vDAG's secret, retried with backoff,
 * each attempt's outcome stored, every due row sent by one process only.
 */
describe("quality webhooks", () => {
  const api = useApi();
  const clusterId = `qw-${Date.now().toString(36)}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const log = createLogger({ service: "quality-test" }, { level: "error" });
  const BACKOFF = 300;
  const senders: Array<{ stop(): Promise<void> }> = [];
  const sender = (extra: Partial<Parameters<typeof createWebhookDelivery>[0]["settings"]> = {}) =>
    createWebhookDelivery({
      db: api.database.db,
      secrets: api.services.webhookSecrets,
      log,
      settings: { backoffBaseMs: BACKOFF, pollMs: 40, timeoutMs: 2_000, ...extra },
      // The receivers are on this host: its loopback network is allowed, as an operator would allow it.
      targets: createWebhookTargets(["127.0.0.0/8"]),
    });
  const run = (s: WebhookDelivery) => senders.push(s.start());

  const vdagWith = vdagsWithWebhooks(api, "qw", clusterId);
  const report = (controllerId: string, samples: TQualitySample[]) =>
    api.caller(agent).agents.work.reportQualitySamples({ controllerId, samples });
  const deliveriesOf = (vdagURI: string) => api.caller().quality.deliveries({ vdagURI });

  beforeAll(async () => {
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: `${clusterId}-n1`, vcpus: 1, memoryMb: 1024, storageMb: 1024, cpuModel: "test", gpus: [] },
    });
  });
  afterAll(async () => {
    for (const s of senders) await s.stop();
  });

  it("posts a routed sample signed with the vDAG's secret, retries with backoff until a 2xx, and stores every attempt", async () => {
    const qa = await webhookReceiver([500, 503]);
    const { vdagURI, controllerId } = await vdagWith({ url: qa.url });
    const secret = await api.services.webhookSecrets.ensure(vdagURI);
    expect(secret).toMatch(/^whsec_/);
    await report(controllerId, [qualitySample("t-ok", "webhook"), qualitySample("t-plain")]);
    // Only the routed sample is sent on; the other is a verdict as before.
    const [pending] = await deliveriesOf(vdagURI);
    expect(pending).toMatchObject({ taskId: "t-ok", status: "pending", attempts: 0, url: qa.url });

    run(sender());
    await expect
      .poll(async () => (await deliveriesOf(vdagURI))[0]?.status, { timeout: 10_000 })
      .toBe("delivered");
    const [done] = await deliveriesOf(vdagURI);
    expect(done).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(done?.deliveredAt).not.toBeNull();
    expect(done?.history.map((h) => h.statusCode)).toEqual([500, 503, 200]);
    expect(done?.history[0]?.error).toBe("the receiver answered 500");

    // The receiver saw three attempts of one delivery, each signed over its exact body.
    expect(qa.received).toHaveLength(3);
    for (const r of qa.received) {
      expect(r.headers[QUALITY_DELIVERY_HEADER]).toBe(done?.id);
      expect(r.headers["x-aios-event"]).toBe("quality.sample");
      expect(
        verifyQualityWebhook(secret as string, r.body, String(r.headers[QUALITY_SIGNATURE_HEADER])),
      ).toBe(true);
      expect(verifyQualityWebhook("whsec_other", r.body, String(r.headers[QUALITY_SIGNATURE_HEADER]))).toBe(
        false,
      );
    }
    const body = JSON.parse(qa.received[0]?.body ?? "{}") as TQualityWebhookBody;
    expect(body).toMatchObject({
      event: "quality.sample",
      deliveryId: done?.id,
      vdagURI,
      taskId: "t-ok",
      verdict: { passed: false, score: 0.2, reason: "too short" },
      input: { data: { text: "question t-ok" } },
      output: { data: { text: "no" } },
    });
    // Backoff: BACKOFF·2^(n-1) ±20% between attempts (plus at most a poll and the attempt itself).
    const [a1, a2, a3] = (done?.history ?? []).map((h) => Date.parse(h.at));
    const gap1 = (a2 as number) - (a1 as number);
    const gap2 = (a3 as number) - (a2 as number);
    expect(gap1).toBeGreaterThanOrEqual(0.8 * BACKOFF);
    expect(gap1).toBeLessThan(1.2 * BACKOFF + 400);
    expect(gap2).toBeGreaterThanOrEqual(0.8 * 2 * BACKOFF);
    expect(gap2).toBeLessThan(1.2 * 2 * BACKOFF + 400);
    // A replayed report sends nothing again.
    await report(controllerId, [qualitySample("t-ok", "webhook")]);
    expect(await deliveriesOf(vdagURI)).toHaveLength(1);
    await qa.close();
  });

  it("gives a delivery up after its maxAttempts, with the last status and error stored", async () => {
    const qa = await webhookReceiver([503, 503, 503, 503]);
    const { vdagURI, controllerId } = await vdagWith({ url: qa.url, maxAttempts: 2 });
    await report(controllerId, [qualitySample("t-down", "webhook")]);
    await expect
      .poll(async () => (await deliveriesOf(vdagURI))[0]?.status, { timeout: 10_000 })
      .toBe("failed");
    const [d] = await deliveriesOf(vdagURI);
    expect(d).toMatchObject({
      attempts: 2,
      maxAttempts: 2,
      lastStatusCode: 503,
      lastError: "the receiver answered 503",
      deliveredAt: null,
      nextAttemptAt: null,
    });
    expect(qa.received).toHaveLength(2);
    await qa.close();
  });

  it("stores a webhook sample of a vDAG without a webhook as a failed delivery that says why", async () => {
    const { vdagURI, controllerId } = await vdagWith(null);
    await report(controllerId, [qualitySample("t-nowhere", "webhook")]);
    const [d] = await deliveriesOf(vdagURI);
    expect(d).toMatchObject({
      status: "failed",
      url: null,
      attempts: 0,
      lastError: "the vDAG has no qualityChecker.webhook to deliver to",
    });
  });

  it("sends each due delivery once when two API processes poll the same outbox, rows written before either started", async () => {
    // Stop the sender of the tests above: these two alone take the rows.
    for (const s of senders.splice(0)) await s.stop();
    const qa = await webhookReceiver([]);
    const { vdagURI, controllerId } = await vdagWith({ url: qa.url });
    await report(
      controllerId,
      Array.from({ length: 24 }, (_, i) => qualitySample(`t-many-${i}`, "webhook")),
    );
    // As after a restart: the rows are in PostgreSQL, and new processes find them.
    const [one, two] = [sender({ batch: 5 }), sender({ batch: 5 })];
    for (let round = 0; round < 10; round++) await Promise.all([one.deliverDue(), two.deliverDue()]);
    const all = await api.caller().quality.deliveries({ vdagURI, limit: 100 });
    expect(all.map((d) => d.status)).toEqual(Array(24).fill("delivered"));
    expect(qa.received).toHaveLength(24);
    expect([...qa.seen.values()].every((count) => count === 1)).toBe(true);
    expect(all.every((d) => d.attempts === 1)).toBe(true);
    await qa.close();
  });

  it("shows the secret to admins only, and a rotated secret signs from then on", async () => {
    const { vdagURI } = await vdagWith({ url: "http://127.0.0.1:9/qa" });
    const made = await api.services.webhookSecrets.ensure(vdagURI);
    expect(await api.services.webhookSecrets.ensure(vdagURI)).toBeNull();
    expect((await api.caller().quality.webhookSecret({ vdagURI })).secret).toBe(made);
    const operator = { role: "operator" as const, scope: null, tokenId: "tok-op" };
    await expect(api.caller(operator).quality.webhookSecret({ vdagURI })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const rotated = await api.caller().quality.rotateWebhookSecret({ vdagURI });
    expect(rotated.secret).not.toBe(made);
    expect((await api.caller().quality.webhookSecret({ vdagURI })).secret).toBe(rotated.secret);
    await expect(api.caller().quality.webhookSecret({ vdagURI: "nope:1.0.0-stable" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses bad input naming the field", async () => {
    expect(await issuesOf(api.caller().quality.deliveries({ vdagURI: "", limit: 0 }))).toEqual([
      "vdagURI: must not be empty",
      "limit: must be at least 1",
    ]);
    expect(
      await issuesOf(api.caller().quality.deliveries({ vdagURI: "x", status: "sent" as "failed" })),
    ).toEqual(['status: must be "pending", "delivered" or "failed"']);
  });
});
