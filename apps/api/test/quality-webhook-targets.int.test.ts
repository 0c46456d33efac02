import type { LookupAddress } from "node:dns";
import { createLogger } from "@aios/service-kit";
import { beforeAll, describe, expect, it } from "vitest";
import { createWebhookDelivery } from "../src/domains/quality/webhook-delivery.service";
import { createWebhookTargets, type ResolveAll } from "../src/domains/quality/webhook-targets";
import { doc, useApi } from "./harness";
import { issuesOf, qualitySample, vdagsWithWebhooks, webhookReceiver } from "./quality-fixtures";

const ONLY_PUBLIC =
  "the API sends webhooks to public addresses only, unless AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS lists its network";
const WEBHOOK_URL = "body.spec.values.controller.qualityChecker.webhook.url";

/** A resolver that answers every name with `addresses`, as a DNS server the vDAG's author runs might. */
const resolvingTo =
  (...addresses: string[]): ResolveAll =>
  (_hostname, callback) =>
    callback(
      null,
      addresses.map((address): LookupAddress => ({ address, family: address.includes(":") ? 6 : 4 })),
    );

/**
 * A vDAG's webhook is a URL its author chooses and the API posts to: the API refuses, at creation
 * and at every delivery, the addresses that are not public (its own loopback, private networks,
 * link-local cloud metadata) unless the operator allows their network; it follows no redirect.
 */
describe("quality webhook targets", () => {
  const api = useApi();
  const clusterId = `qt-${Date.now().toString(36)}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const log = createLogger({ service: "quality-test" }, { level: "error" });
  const vdagWith = vdagsWithWebhooks(api, "qt", clusterId);
  const report = (controllerId: string, taskId: string) =>
    api.caller(agent).agents.work.reportQualitySamples({
      controllerId,
      samples: [qualitySample(taskId, "webhook")],
    });
  const deliveriesOf = (vdagURI: string) => api.caller().quality.deliveries({ vdagURI });
  const sendWith = (targets: ReturnType<typeof createWebhookTargets>) =>
    createWebhookDelivery({
      db: api.database.db,
      secrets: api.services.webhookSecrets,
      log,
      settings: { timeoutMs: 2_000 },
      targets,
    }).deliverDue();

  beforeAll(async () => {
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: `${clusterId}-n1`, vcpus: 1, memoryMb: 1024, storageMb: 1024, cpuModel: "test", gpus: [] },
    });
  });

  it("refuses a vDAG whose webhook is at a loopback, private or link-local address, naming the field; nothing is stored", async () => {
    const create = (url: string) =>
      issuesOf(
        api.caller().parser.applySpec({
          document: doc("createvDAG", {
            vdagName: "qt-refused",
            vdagVersion: { version: "1.0.0", "release-tag": "stable" },
            nodes: [{ spec: { values: { nodeLabel: "a", manualBlockId: "b" } } }],
            graph: { connections: [] },
            controller: { qualityChecker: { enabled: true, webhook: { url } } },
          }),
        }),
      );
    expect(await create("http://169.254.169.254/latest/meta-data/")).toEqual([
      `${WEBHOOK_URL}: 169.254.169.254 is a link-local (cloud metadata) address; ${ONLY_PUBLIC}`,
    ]);
    // The address as written in other ways is the same address.
    expect(await create("http://2130706433:8080/qa")).toEqual([
      `${WEBHOOK_URL}: 127.0.0.1 is a loopback address; ${ONLY_PUBLIC}`,
    ]);
    expect(await create("https://[::ffff:10.0.0.7]/qa")).toEqual([
      `${WEBHOOK_URL}: ::ffff:a00:7 is a private address; ${ONLY_PUBLIC}`,
    ]);
    expect(await create("http://Metrics.LOCALHOST./qa")).toEqual([
      `${WEBHOOK_URL}: metrics.localhost is this host, a loopback address; ${ONLY_PUBLIC}`,
    ]);
    expect(await api.caller().vdags.list({})).toEqual([]);
    expect(await api.database.db.qualityWebhookSecret.count()).toBe(0);
  });

  it("sends nothing to a name that resolves to a private address, and fails the delivery at its first attempt", async () => {
    const qa = await webhookReceiver([]);
    const { vdagURI, controllerId } = await vdagWith({ url: `http://qa.example.test:${qa.port}/qa` });
    await report(controllerId, "t-resolved");
    // One answer of two is private: the name is refused whichever the connection would take.
    expect(await sendWith(createWebhookTargets([], resolvingTo("93.184.215.14", "127.0.0.1")))).toBe(1);
    const [d] = await deliveriesOf(vdagURI);
    expect(d).toMatchObject({
      status: "failed",
      attempts: 1,
      lastStatusCode: null,
      nextAttemptAt: null,
      lastError: `not sent: qa.example.test: 127.0.0.1 is a loopback address; ${ONLY_PUBLIC}`,
    });
    expect(qa.received).toHaveLength(0);

    // Allowed by the operator, the same name is delivered to the address the check resolved.
    await report(controllerId, "t-allowed");
    await sendWith(createWebhookTargets(["127.0.0.0/8"], resolvingTo("127.0.0.1")));
    const allowed = (await deliveriesOf(vdagURI)).find((x) => x.taskId === "t-allowed");
    expect(allowed).toMatchObject({ status: "delivered", lastStatusCode: 200 });
    expect(qa.received).toHaveLength(1);
    await qa.close();
  });

  it("fails a stored delivery whose URL names a private address, without connecting", async () => {
    const qa = await webhookReceiver([]);
    const { vdagURI, controllerId } = await vdagWith({ url: `http://[::ffff:127.0.0.1]:${qa.port}/qa` });
    await report(controllerId, "t-literal");
    await sendWith(createWebhookTargets(["10.0.0.0/8"]));
    expect((await deliveriesOf(vdagURI))[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: `not sent: ::ffff:7f00:1 is a loopback address; ${ONLY_PUBLIC}`,
    });
    expect(qa.received).toHaveLength(0);
    await qa.close();
  });

  it("follows no redirect: a 3xx is the receiver's answer, its Location is not posted to", async () => {
    const elsewhere = await webhookReceiver([]);
    const qa = await webhookReceiver([302], { location: elsewhere.url });
    const { vdagURI, controllerId } = await vdagWith({ url: qa.url, maxAttempts: 1 });
    await report(controllerId, "t-moved");
    await sendWith(createWebhookTargets(["127.0.0.0/8"]));
    expect((await deliveriesOf(vdagURI))[0]).toMatchObject({
      status: "failed",
      lastStatusCode: 302,
      lastError: "the receiver answered 302",
    });
    expect(qa.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
    await Promise.all([qa.close(), elsewhere.close()]);
  });
});
