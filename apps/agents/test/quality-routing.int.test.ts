import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { QUALITY_SIGNATURE_HEADER, type TQualityWebhookBody } from "@aios/contracts";
import { createLogger } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookDelivery } from "../../api/src/domains/quality/webhook-delivery.service";
import { verifyQualityWebhook } from "../../api/src/domains/quality/webhook-signature";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const VDAG = "qa-route:1.0.0-stable";

/** The request says where its sample goes (`data.route`), so one vDAG shows both routes. */
const ROUTE_POLICY = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "qualityChecker",
  init() { return {}; },
  eval(input) {
    const route = (input.request.data as { route?: string }).route;
    const empty = Object.keys(input.response.data).length === 0;
    return { passed: !empty, score: empty ? 0 : 1, reason: "checked by route-by-request", ...(route ? { route } : {}) };
  },
});
`;

/**
 * On real processes: a cluster agent runs an echo block and the vDAG's controller, whose quality
 * policy routes each sampled request to the manual audit queue or to the vDAG's webhook (a real
 * HTTP receiver that fails twice, then takes it); the agent drains the samples to the API, which
 * queues the audit item and delivers the webhook, signed with the secret shown at creation.
 */
describe.runIf(redisUrl)("quality samples routed to a webhook or a reviewer", () => {
  // The receiver is on this host: its loopback network is allowed, as an operator would allow it.
  const api = useApiServer({ webhookAllowedNetworks: ["127.0.0.0/8"] });
  const clusterId = `qar-${Date.now().toString(36)}`;
  let agent: AgentProcess;
  let secret = "";
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const qa = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(received.length <= 2 ? 502 : 204).end();
    });
  });
  let stopSender = async () => {};

  beforeAll(async () => {
    await new Promise<void>((r) => qa.listen(0, "127.0.0.1", r));
    const webhookUrl = `http://127.0.0.1:${(qa.address() as AddressInfo).port}/qa`;
    const apply = (document: unknown) => api.caller().parser.applySpec({ document });
    await applyExamples(apply, "components.json");
    await apply(
      doc("createPolicy", {
        name: "route-by-request",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "qualityChecker",
        code: ROUTE_POLICY,
      }),
    );
    agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "300" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
    await apply(
      doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "qa-echo",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    );
    await waitUntil(
      "the block to run",
      async () => (await api.caller().blocks.get({ id: "qa-echo" })).status === "running",
      60_000,
    );
    const created = await apply(
      doc("createvDAG", {
        vdagName: "qa-route",
        vdagVersion: { version: "1.0.0", "release-tag": "stable" },
        nodes: [{ spec: { values: { nodeLabel: "echo", manualBlockId: "qa-echo" } } }],
        graph: { connections: [] },
        controller: {
          qualityChecker: {
            enabled: true,
            framesInterval: 1,
            qualityCheckerPolicyRule: { policyRuleURI: "route-by-request:1.0.0-stable" },
            webhook: { url: webhookUrl },
          },
        },
      }),
    );
    // The secret is shown once, in the creation's result.
    secret = (created.result as { qualityWebhookSecret?: string }).qualityWebhookSecret ?? "";
    await waitUntil(
      "the vDAG to be active",
      async () => (await api.caller().vdags.get({ vdagURI: VDAG })).status === "active",
      60_000,
    );
    // The API's outbox sender, as main.ts starts it, with a short backoff.
    stopSender = createWebhookDelivery({
      db: api.database.db,
      secrets: api.services.webhookSecrets,
      log: createLogger({ service: "quality-test" }, { level: "error" }),
      settings: { backoffBaseMs: 200, pollMs: 50 },
      targets: api.services.webhookTargets,
    }).start().stop;
  }, 180_000);
  afterAll(async () => {
    await stopSender();
    await agent?.stop();
    await new Promise<void>((r) => qa.close(() => r()));
  });

  const infer = async (data: Record<string, unknown>) => {
    const res = await fetch(`${api.url}/v1/vdags/${encodeURIComponent(VDAG)}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { taskId: string }).taskId;
  };

  it("queues a sample routed to manual, with the request and the answer, for a reviewer's verdict", async () => {
    expect(secret).toMatch(/^whsec_/);
    const taskId = await infer({ text: "is this right?", route: "manual" });
    await waitUntil(
      "the audit item",
      async () => (await api.caller().quality.auditItems({ vdagURI: VDAG })).some((i) => i.taskId === taskId),
      30_000,
    );
    const [item] = await api.caller().quality.auditItems({ vdagURI: VDAG, status: "pending" });
    expect(item).toMatchObject({
      taskId,
      input: { data: { text: "is this right?", route: "manual" } },
      output: { data: { text: "is this right?" } },
      verdict: { passed: true, score: 1, reason: "checked by route-by-request" },
    });
    const reviewer = { role: "operator" as const, scope: null, tokenId: "tok-qa" };
    const id = item?.id as string;
    await api.caller(reviewer).quality.recordVerdict({ id, verdict: "pass", note: "correct echo" });
    await expect(api.caller(reviewer).quality.recordVerdict({ id, verdict: "fail" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("delivers a sample routed to webhook, signed with the vDAG's secret, after two failed attempts", async () => {
    const taskId = await infer({ text: "send me out", route: "webhook" });
    await waitUntil(
      "the delivery",
      async () => (await api.caller().quality.deliveries({ vdagURI: VDAG }))[0]?.status === "delivered",
      30_000,
    );
    const [d] = await api.caller().quality.deliveries({ vdagURI: VDAG });
    expect(d).toMatchObject({ taskId, attempts: 3, lastStatusCode: 204 });
    expect(d?.history.map((h) => h.statusCode)).toEqual([502, 502, 204]);
    expect(received).toHaveLength(3);
    const last = received[2];
    expect(
      verifyQualityWebhook(secret, last?.body ?? "", String(last?.headers[QUALITY_SIGNATURE_HEADER])),
    ).toBe(true);
    expect(JSON.parse(last?.body ?? "{}") as TQualityWebhookBody).toMatchObject({
      vdagURI: VDAG,
      taskId,
      input: { data: { text: "send me out" } },
      output: { data: { text: "send me out" } },
    });
  });
});
