import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uploadAssetFile } from "@aios/client";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const work = mkdtempSync(join(tmpdir(), "aios-pushed-"));

/** A component written outside the repository, bundled as `aios component push` bundles it. */
async function bundleOf(name: string, reply: string): Promise<string> {
  const dir = join(work, name);
  const source = join(dir, "index.ts");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    source,
    `import { defineComponent, runComponent } from "@aios/instance-sdk";
const shout = (s: string): string => s.toUpperCase();
runComponent(defineComponent({ infer: (input: Record<string, unknown>) => ({ ...input, reply: shout(${JSON.stringify(reply)}) }) }));
`,
  );
  const out = join(dir, "component.mjs");
  await build({
    entryPoints: [source],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["@aios/instance-sdk"],
    logLevel: "silent",
  });
  return out;
}

/**
 * A component whose code is in the assets registry (`runtime.asset`), run by a real agent: the
 * agent fetches the bundle by digest, checks it, and runs it on the platform's SDK like a
 * built-in component; a bundle whose bytes are not its digest's is refused with the reason on
 * the block.
 */
describe.runIf(redisUrl)("components of pushed code", () => {
  const api = useApiServer();
  const clusterId = `push-${Date.now().toString(36)}`;
  let agent: AgentProcess;

  /** Uploads a bundle, registers it as an asset and a component naming it; answers the digest. */
  async function push(name: string, reply: string): Promise<string> {
    const stored = await uploadAssetFile({ url: api.url }, await bundleOf(name, reply));
    await api
      .caller()
      .assets.register({ name: `model.${name}`, version: "0.1.0", releaseTag: "dev", sha256: stored.sha256 });
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name, version: "0.1.0", releaseTag: "dev" },
        componentType: "model",
        runtime: { asset: { assetURI: `model.${name}:0.1.0-dev`, sha256: stored.sha256 } },
      }),
    });
    return stored.sha256;
  }
  const createBlock = (blockId: string, name: string) =>
    api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockId,
        blockComponentURI: `model.${name}:0.1.0-dev`,
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    });
  const blockOf = (id: string) => api.caller().blocks.get({ id });

  beforeAll(async () => {
    agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "300" });
    await waitUntil(
      "the agent's cluster",
      async () => (await api.caller().clusters.list()).some((c) => c.id === clusterId),
      30_000,
    );
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("fetches the bundle by digest and runs it on the platform's SDK", async () => {
    await push("shouter", "pushed code");
    await createBlock("shouter-1", "shouter");
    await expect.poll(async () => (await blockOf("shouter-1")).status, { timeout: 60_000 }).toBe("running");
    const res = await fetch(`${api.url}/v1/blocks/shouter-1/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { n: 1 } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { packet: { data: Record<string, unknown> } };
    expect(body.packet.data).toMatchObject({ n: 1, reply: "PUSHED CODE" });
  }, 90_000);

  it("refuses a bundle whose bytes are not its digest's, with the reason on the block", async () => {
    const sha256 = await push("tampered", "original");
    // The stored bytes change under the same digest (a corrupted disk, a tampered row).
    await api.database.db.$executeRawUnsafe(
      `UPDATE "asset_blob_chunks" SET "data" = set_byte("data", 0, 32) WHERE "sha256" = $1 AND "index" = 0`,
      sha256,
    );
    await createBlock("tampered-1", "tampered");
    await expect.poll(async () => (await blockOf("tampered-1")).status, { timeout: 60_000 }).toBe("failed");
    const reason = JSON.stringify(await blockOf("tampered-1"));
    expect(reason).toContain("runtime.asset model.tampered:0.1.0-dev could not be fetched");
    expect(reason).toContain(`SHA-256 is `);
    expect(reason).toContain(`not ${sha256}`);
    expect(reason).toContain("not started");
  }, 90_000);
});
