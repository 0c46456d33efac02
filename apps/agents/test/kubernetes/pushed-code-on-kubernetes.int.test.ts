import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../../packages/client/src/cli/main";
import { doc, useApiServer } from "../../../api/test/harness";
import type { AgentProcess } from "../agent-process";
import {
  type ClusterUnderTest,
  clusterUnderTest,
  liveCluster,
  startKubernetesAgent,
} from "./cluster-under-test";
import { repoRoot } from "./kube-test-kit";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const work = mkdtempSync(join(tmpdir(), "aios-pushed-k8s-"));
const FETCH_PROGRAM = resolve(repoRoot, "apps/agents/src/drivers/kubernetes/fetch-component-main.ts");

/**
 * A component's pushed code (`runtime.asset`) on the kubernetes driver, against the real API
 * server of the test peer with its node played by the process kubelet: the instance's pod fetches
 * the bundle by digest in an init container, with a fetch token the component's own container
 * never sees, and runs it. On a live cluster its pods could not reach this test's API, so it runs
 * on the peer only.
 */
describe.runIf(redisUrl && !liveCluster())(
  "pushed code on the kubernetes driver",
  { timeout: 180_000 },
  () => {
    const api = useApiServer();
    const clusterId = `k8s-push-${Date.now().toString(36)}`;
    let cluster: ClusterUnderTest;
    let core: CoreV1Api;
    let agent: AgentProcess;

    /** `aios component init` and `push` of a project outside the repository; answers its digest. */
    async function push(name: string, greeting: string): Promise<string> {
      const dir = join(work, name);
      const io = { out: () => {}, err: () => {}, env: { AIOS_API_URL: api.url } };
      expect(await cli(["component", "init", dir], io)).toBe(0);
      const code = join(dir, "component.ts");
      writeFileSync(code, readFileSync(code, "utf8").replace('"hello"', JSON.stringify(greeting)));
      expect(await cli(["component", "push", dir], io)).toBe(0);
      const component = await api.caller().components.get({ componentURI: `model.${name}:0.1.0-dev` });
      return (component.doc.runtime as { asset: { sha256: string } }).asset.sha256;
    }

    beforeAll(async () => {
      cluster = await clusterUnderTest({ nodeName: "k8s-push-node", podAddressPrefix: "127.81", images: {} });
      core = cluster.core;
      agent = await startKubernetesAgent(cluster, api.url, clusterId, (id) =>
        api.services.nodes.list({ clusterId: id }),
      );
    }, 240_000);

    afterAll(async () => {
      await agent?.stop();
      await cluster?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it("runs the bundle in a pod that fetched it by digest, and answers", async () => {
      const sha256 = await push("podded", "bonjour");
      await api.caller().parser.applySpec({
        document: doc("createBlock", {
          blockId: "podded-1",
          blockComponentURI: "model.podded:0.1.0-dev",
          clusterId,
          minInstances: 1,
          maxInstances: 1,
        }),
      });
      await expect
        .poll(async () => (await api.caller().blocks.get({ id: "podded-1" })).status, { timeout: 120_000 })
        .toBe("running");
      const res = await fetch(`${api.url}/v1/blocks/podded-1/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: { text: "monde" } }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { packet: { data: unknown } }).packet.data).toMatchObject({
        reply: "bonjour, monde",
      });

      const [instance] = await api.caller().blocks.instances({ id: "podded-1" });
      const pod = await core.readNamespacedPod({
        name: `podded-1-${instance?.id}`,
        namespace: cluster.namespace,
      });
      expect(pod.status?.initContainerStatuses?.[0]).toMatchObject({
        name: "fetch-component",
        state: { terminated: { exitCode: 0, reason: "Completed" } },
      });
      expect(pod.spec?.containers[0]?.command?.at(-1)).toBe("/aios/component/component.mjs");
      // The fetch token is in the pod's Secret, named by the init container alone.
      expect(JSON.stringify(pod.spec?.containers[0])).not.toContain("AIOS_ASSET_TOKEN");
      const secret = await core.readNamespacedSecret({
        name: `${pod.metadata?.name}-tokens`,
        namespace: cluster.namespace,
      });
      const token = Buffer.from(secret.data?.AIOS_ASSET_TOKEN ?? "", "base64").toString("utf8");
      const blob = (digest: string) =>
        fetch(`${api.url}/v1/assets/blobs/${digest}`, { headers: { authorization: `Bearer ${token}` } });
      expect((await blob(sha256)).status).toBe(200);
      // It reads that blob, and nothing on tRPC.
      const listed = await fetch(`${api.url}/trpc/blocks.list`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(listed.status).toBe(403);
      await api.caller().blocks.remove({ id: "podded-1" });
    });

    it("the init container refuses bytes that are not the digest's, writing nothing", async () => {
      const sha256 = await push("tamper-pod", "hey");
      const { token } = await api
        .caller({ role: "agent", scope: clusterId, tokenId: null })
        .agents.work.assetFetchToken({ clusterId, sha256 });
      await api.database.db.$executeRawUnsafe(
        `UPDATE "asset_blob_chunks" SET "data" = set_byte("data", 0, 32) WHERE "sha256" = $1 AND "index" = 0`,
        sha256,
      );
      const dir = join(work, "volume");
      // Not spawnSync: the API answering it runs in this process.
      const run = await promisify(execFile)(process.execPath, ["--import", "tsx", FETCH_PROGRAM], {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH,
          AIOS_ASSETS_URL: api.url,
          AIOS_ASSET_SHA256: sha256,
          AIOS_ASSET_TOKEN: token,
          AIOS_COMPONENT_DIR: dir,
          AIOS_INSTANCE_SDK: resolve(repoRoot, "packages/instance-sdk"),
        },
      }).then(
        () => ({ status: 0, stderr: "" }),
        (err: { code: number; stderr: string }) => ({ status: err.code, stderr: err.stderr }),
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`fetch-component: the downloaded bytes' SHA-256 is`);
      expect(run.stderr).toContain(`not ${sha256}`);
      expect(existsSync(join(dir, "component.mjs"))).toBe(false);
    });
  },
);
