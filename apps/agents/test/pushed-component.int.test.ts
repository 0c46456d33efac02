import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../packages/client/src/cli/main";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, agentStateDir, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const work = mkdtempSync(join(tmpdir(), "aios-pushed-"));

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

  /** `aios component init` and `push` of a project outside the repository; answers its digest. */
  async function push(name: string, greeting = "hello", source?: string, memoryMb?: number): Promise<string> {
    const dir = join(work, name);
    const io = { out: () => {}, err: () => {}, env: { AIOS_API_URL: api.url } };
    expect(await cli(["component", "init", dir], io)).toBe(0);
    const code = join(dir, "component.ts");
    writeFileSync(code, source ?? readFileSync(code, "utf8").replace('"hello"', JSON.stringify(greeting)));
    if (memoryMb) {
      const spec = JSON.parse(readFileSync(join(dir, "component.json"), "utf8"));
      writeFileSync(join(dir, "component.json"), JSON.stringify({ ...spec, resources: { memoryMb } }));
    }
    expect(await cli(["component", "push", dir], io)).toBe(0);
    const component = await api.caller().components.get({ componentURI: `model.${name}:0.1.0-dev` });
    return (component.doc.runtime as { asset: { sha256: string } }).asset.sha256;
  }
  const createBlock = (blockId: string, name: string, instances = 1) =>
    api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockId,
        blockComponentURI: `model.${name}:0.1.0-dev`,
        clusterId,
        minInstances: instances,
        maxInstances: instances,
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
    const sha256 = await push("shouter");
    await createBlock("shouter-1", "shouter");
    await expect.poll(async () => (await blockOf("shouter-1")).status, { timeout: 60_000 }).toBe("running");
    const res = await fetch(`${api.url}/v1/blocks/shouter-1/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { text: "world" } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { packet: { data: Record<string, unknown> } };
    expect(body.packet.data).toMatchObject({ reply: "hello, world", length: 5 });
    // Kept in the node's cache by digest, readable by the workloads' users, beside the SDK's link.
    const workloads = `${dirname(dirname(agentStateDir(clusterId)))}-workloads/${clusterId}`;
    const cached = join(workloads, "assets", sha256, "component.mjs");
    expect(createHash("sha256").update(readFileSync(cached)).digest("hex")).toBe(sha256);
    expect(statSync(cached).mode & 0o777).toBe(0o644);
    expect(realpathSync(join(workloads, "assets/node_modules/@aios/instance-sdk"))).toBe(
      resolve(import.meta.dirname, "../../../packages/instance-sdk"),
    );
  }, 90_000);

  it("refuses a bundle whose bytes are not its digest's, with the reason on the block", async () => {
    // Code of its own: a digest the node has not fetched before.
    const sha256 = await push("tampered", "hey");
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

  it.each([2, 1])(
    "rolls a block of %i instance(s) to a new version of its code, with no failed request",
    async (count) => {
      const name = `roller${count}`;
      const block = `roller-${count}`;
      const dir = join(work, name);
      const io = { out: () => {}, err: () => {}, env: { AIOS_API_URL: api.url } };
      // No vCPUs asked for: the blocks of the earlier tests hold this node's.
      await push(name, "hello", undefined, 256);
      await createBlock(block, name, count);
      await expect.poll(async () => (await blockOf(block)).status, { timeout: 60_000 }).toBe("running");
      const before = (await api.caller().blocks.instances({ id: block })).map((i) => i.id).sort();
      // Version 0.2.0 of the same project: another greeting.
      const spec = JSON.parse(readFileSync(join(dir, "component.json"), "utf8"));
      writeFileSync(
        join(dir, "component.json"),
        JSON.stringify({ ...spec, componentId: { ...spec.componentId, version: "0.2.0" } }),
      );
      const code = join(dir, "component.ts");
      writeFileSync(code, readFileSync(code, "utf8").replace('"hello"', '"howdy"'));
      expect(await cli(["component", "push", dir], io)).toBe(0);

      const replies: string[] = [];
      const failures: string[] = [];
      let rolling = true;
      const traffic = (async () => {
        while (rolling) {
          const res = await fetch(`${api.url}/v1/blocks/${block}/infer`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ data: { text: "you" } }),
          });
          const body = (await res.json()) as { packet?: { data: { reply: string } } };
          if (res.status === 200) replies.push(body.packet?.data.reply ?? "");
          else failures.push(`${res.status} ${JSON.stringify(body)}`);
        }
      })();
      expect(await cli(["update", "block", block, "--component", `model.${name}:0.2.0-dev`], io)).toBe(0);
      await expect.poll(() => replies.at(-1), { timeout: 90_000 }).toBe("howdy, you");
      // Both instances on the new code, under their ids, and no request failed on the way.
      await expect
        .poll(
          async () => {
            const res = await fetch(`${api.url}/v1/blocks/${block}/infer`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ data: { text: "x" } }),
            });
            return ((await res.json()) as { packet: { data: { reply: string } } }).packet.data.reply;
          },
          { timeout: 60_000 },
        )
        .toBe("howdy, x");
      await new Promise((r) => setTimeout(r, 2_000));
      rolling = false;
      await traffic;
      expect(failures).toEqual([]);
      expect(replies.filter((r) => r === "hello, you").length).toBeGreaterThan(0);
      expect(replies.slice(-10)).toEqual(Array(10).fill("howdy, you"));
      expect((await api.caller().blocks.instances({ id: block })).map((i) => i.id).sort()).toEqual(before);
      expect((await blockOf(block)).componentURI).toBe(`model.${name}:0.2.0-dev`);
    },
    180_000,
  );

  it("ends an instance that allocates without end, out of memory, and starts it again while the others answer", async () => {
    await push("hog", "", HOG, 128);
    await createBlock("hog-1", "hog", 2);
    await expect.poll(async () => (await blockOf("hog-1")).status, { timeout: 60_000 }).toBe("running");
    const [victim, other] = (await api.caller().blocks.instances({ id: "hog-1" })).map((i) => i.id);
    const leak = await api.caller().blocks.mgmt({ id: "hog-1", instanceId: victim, action: "leak" });
    expect(leak.results).toEqual([
      { instanceId: victim, status: 200, reply: { ok: true, result: { leaking: true } } },
    ]);
    // While the victim fills its memory and ends, the block keeps answering, from the other.
    const history = async () => JSON.stringify((await blockOf("hog-1")).doc);
    for (let i = 0; i < 40 && !(await history()).includes(`instance ${victim}`); i++) {
      const res = await fetch(`${api.url}/v1/blocks/hog-1/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: { i } }),
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await history()).toContain(
      `instance ${victim} on node ${clusterId}-node: out of memory (its limit: 128 MB); started again`,
    );
    const pong = await api.caller().blocks.mgmt({ id: "hog-1", instanceId: other, action: "ping" });
    expect(pong.results[0]).toMatchObject({ status: 200, reply: { result: { leaking: false } } });
    // The victim is back, fresh: two healthy instances again.
    await expect
      .poll(
        async () =>
          (await api.caller().blocks.mgmt({ id: "hog-1", instanceId: victim, action: "ping" })).results[0],
        {
          timeout: 60_000,
        },
      )
      .toMatchObject({ status: 200, reply: { result: { leaking: false } } });
    await expect.poll(async () => (await blockOf("hog-1")).status, { timeout: 60_000 }).toBe("running");
  }, 120_000);
});

/** A component that, told `leak`, keeps everything it allocates until its memory runs out. */
const HOG = `import { defineComponent } from "@aios/instance-sdk";
const hoard: unknown[] = [];
let leaking = false;
export default defineComponent({
  infer: (input, { instanceId }) => ({ ...input, instanceId }),
  management(action) {
    if (action === "leak" && !leaking) {
      leaking = true;
      const step = () => {
        for (let i = 0; i < 8; i++) hoard.push(Array.from({ length: 100_000 }, (_, n) => ({ n })));
        setImmediate(step);
      };
      setTimeout(step, 50);
    }
    return { leaking };
  },
});
`;
