import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

const examples = resolve(import.meta.dirname, "../../../examples/specs");

describe("aios allocate dry-run", () => {
  const api = useApiServer();
  const dir = mkdtempSync(join(tmpdir(), "aios-cli-allocate-"));
  const run = (args: string[]) => runCli(api.url, args);
  const file = (name: string, values: Record<string, unknown>) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(doc("createBlock", values)));
    return path;
  };
  const echo = {
    blockComponentURI: "model.echo:1.0.0-stable",
    blockId: "cli-alloc",
    minInstances: 1,
    maxInstances: 1,
  };

  beforeAll(async () => {
    expect(
      (await run(["apply", "-f", `${examples}/components.json`, "-f", `${examples}/policies.json`])).code,
    ).toBe(0);
    const spec = join(dir, "clusters.ndjson");
    const cluster = (id: string, vcpus: number) => [
      doc("createCluster", { id, config: { publicHostname: "127.0.0.1" } }),
      doc("addNode", {
        clusterId: id,
        nodeData: { id: `${id}-n1`, vcpus: { count: vcpus }, memory: vcpus * 2048 },
      }),
    ];
    writeFileSync(
      spec,
      [...cluster("cli-a", 4), ...cluster("cli-b", 16)].map((d) => JSON.stringify(d)).join("\n"),
    );
    expect((await run(["apply", "-f", spec])).code).toBe(0);
  });

  it("prints each cluster's outcome and score, and the choice; stores nothing", async () => {
    const r = await run(["allocate", "dry-run", "-f", file("echo.json", echo)]);
    expect(r).toMatchObject({ code: 0, err: "" });
    const lines = r.out.split("\n");
    expect(lines[0]).toMatch(/^CLUSTER\s+OUTCOME\s+SCORE\s+NODE\s+GPUS\s+REASON$/);
    expect(lines[1]).toMatch(/^cli-b\s+chosen\s+1\s+cli-b-n1/);
    expect(lines[2]).toMatch(/^cli-a\s+scored\s+0\.25\s+cli-a-n1/);
    expect(lines.at(-1)).toBe("block cli-alloc: cluster cli-b (chosen by score)");
    const json = JSON.parse(
      (await run(["allocate", "dry-run", "-f", file("echo.json", echo), "-o", "json"])).out,
    );
    expect(json).toMatchObject({ blockId: "cli-alloc", mode: "dry_run", clusterId: "cli-b" });
    expect(await api.caller().blocks.list()).toEqual([]);
  });

  it("exits 1 with each cluster's reason when nothing fits", async () => {
    const gpuOnly = {
      ...echo,
      policyRulesSpec: [
        { values: { name: "resourceAllocator", policyRuleURI: "most-free-gpu:1.0.0-stable" } },
      ],
    };
    const r = await run(["allocate", "dry-run", "-f", file("gpu.json", gpuOnly)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /cli-a\s+no_fit\s+0\s+-\s+-\s+resourceAllocator most-free-gpu:1\.0\.0-stable scored 0/,
    );
    expect(r.out.split("\n").at(-1)).toBe("block cli-alloc: no cluster fits");
  });

  it("--block: every node of the block's cluster with its score and GPUs, or why not; get instances --node", async () => {
    const agent = { role: "agent" as const, scope: "cli-b", tokenId: null };
    // An agent joins as cli-b-n2 with two GPUs; cli-b-n1 (added by spec) has none.
    await api.caller(agent).agents.register({
      clusterId: "cli-b",
      publicHostname: "127.0.0.1",
      node: {
        id: "cli-b-n2",
        vcpus: 8,
        memoryMb: 16_384,
        storageMb: 1000,
        cpuModel: "t",
        gpus: [
          { index: 0, modelName: "g", memoryMb: 16_384 },
          { index: 1, modelName: "g", memoryMb: 16_384 },
        ],
      },
    });
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: "cli-gpu", version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: "examples/components/echo/index.ts" },
        resources: { gpus: 1, gpuMemoryMb: 4096 },
      }),
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.cli-gpu:1.0.0-stable",
        blockId: "cli-placed",
        clusterId: "cli-b",
        minInstances: 1,
        maxInstances: 4,
      }),
    });
    const r = await run(["allocate", "dry-run", "--block", "cli-placed"]);
    expect(r).toMatchObject({ code: 0, err: "" });
    const lines = r.out.split("\n");
    expect(lines[0]).toMatch(/^NODE\s+STATUS\s+SCORE\s+GPUS\s+FREE VCPUS\s+FREE GPU MB\s+REASON$/);
    expect(lines[1]).toMatch(/^cli-b-n1\s+ready\s+0\s+-\s+-\s+-\s+no agent has joined as this node$/);
    // GPU 0 holds the first instance (4 GB of 16): the next one goes to GPU 1.
    expect(lines[2]).toMatch(/^cli-b-n2\s+ready\s+0\.\d+\s+1\s+8\s+0:12288 1:16384\s+-$/);
    expect(lines.at(-1)).toBe("block cli-placed: next instance on node cli-b-n2 with GPU(s) 1");
    const json = JSON.parse((await run(["allocate", "dry-run", "--block", "cli-placed", "-o", "json"])).out);
    expect(json.choice).toEqual({ nodeId: "cli-b-n2", gpus: [1] });
    const missing = await run(["allocate", "dry-run", "--block", "nope"]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('block "nope" was not found');
    expect((await run(["allocate", "dry-run", "--block", "x", "-f", "y.json"])).err).toContain(
      "give -f FILE or --block ID, not both",
    );

    const onNode = await run(["get", "instances", "--node", "cli-b-n2"]);
    expect(onNode.code).toBe(0);
    expect(onNode.out).toMatch(/cli-placed\s+in-[a-z0-9]{4}\s+cli-b-n2\s+placed\s+-\s+0/);
    expect((await run(["get", "instances", "--node", "cli-b-n1"])).out.split("\n")).toHaveLength(1);
    expect((await run(["get", "instances", "--block", "cli-placed", "--node", "cli-b-n2"])).out).toContain(
      "cli-placed",
    );
    const wrongKind = await run(["get", "blocks", "--node", "cli-b-n2"]);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.err).toContain("--node narrows instances and gpus only, not blocks");
  });

  it("refuses a document that is not createBlock", async () => {
    const path = join(dir, "cluster.json");
    writeFileSync(path, JSON.stringify(doc("createCluster", { id: "x" })));
    const r = await run(["allocate", "dry-run", "-f", path]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("allocate dry-run takes createBlock documents");
  });
});
