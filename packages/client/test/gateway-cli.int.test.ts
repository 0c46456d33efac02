import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const MAX_BLOCKS = "max-blocks-per-cluster:1.0.0-stable";

describe("aios gateway and aios remove cluster|node", () => {
  const api = useApiServer();
  const clusterId = `cli-gw-${Date.now().toString(36)}`;
  const run = (args: string[]) => runCli(api.url, args);

  beforeAll(async () => {
    expect((await run(["apply", "-f", `${examples}/policies.json`])).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-gateway-"));
    const spec = join(dir, "cluster.ndjson");
    writeFileSync(
      spec,
      [
        doc("createCluster", { id: clusterId, config: { publicHostname: "127.0.0.1" } }),
        doc("addNode", { clusterId, nodeData: { id: `${clusterId}-n1`, vcpus: { count: 2 } } }),
      ]
        .map((d) => JSON.stringify(d))
        .join("\n"),
    );
    expect((await run(["apply", "-f", spec])).code).toBe(0);
  });

  it("sets, lists and removes pre-check policies, network-wide and for one cluster", async () => {
    expect(await run(["gateway", "set", "add_block", MAX_BLOCKS])).toMatchObject({
      code: 0,
      out: `add_block: pre-check ${MAX_BLOCKS} for the network`,
    });
    expect(
      await run(["gateway", "set", "scale_block", "allow-list:1.0.0-stable", "--cluster", clusterId]),
    ).toMatchObject({
      code: 0,
      out: `scale_block: pre-check allow-list:1.0.0-stable for cluster ${clusterId}`,
    });
    const table = await run(["gateway", "policies"]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^SCOPE\s+ACTION\s+POLICY/);
    expect(table.out).toMatch(new RegExp(`network\\s+add_block\\s+${MAX_BLOCKS}`));
    expect(table.out).toMatch(new RegExp(`cluster ${clusterId}\\s+scale_block\\s+allow-list:1.0.0-stable`));
    const json = JSON.parse((await run(["gateway", "policies", "-o", "json"])).out) as {
      network: Array<{ action: string }>;
    };
    expect(json.network.map((p) => p.action)).toEqual(["add_block"]);
    expect(await run(["gateway", "set", "scale_block", "", "--cluster", clusterId])).toMatchObject({
      code: 0,
      out: `scale_block: no pre-check policy for cluster ${clusterId} any more`,
    });
    const bad = await run(["gateway", "set", "launch", MAX_BLOCKS]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("action: must be one of add_cluster");
    const wrongKind = await run(["gateway", "set", "add_block", "round-robin:1.0.0-stable"]);
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.err).toContain("policyRuleURI: is a loadBalancer policy");
  });

  it("dry-runs a decision from an input file: exit 0 when allowed, 1 with the reason when denied", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-gateway-dry-"));
    const input = (blocks: number) => {
      const path = join(dir, `add-block-${blocks}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          blockData: {
            id: "b-new",
            blockComponentURI: "model.echo:1.0.0-stable",
            minInstances: 1,
            maxInstances: 1,
          },
          clusterData: { id: clusterId },
          clusterBlocks: Array.from({ length: blocks }, (_, i) => `b-${i}`),
        }),
      );
      return path;
    };
    await run(["gateway", "set", "add_block", MAX_BLOCKS]);
    const allowed = await run([
      "gateway",
      "dry-run",
      "add_block",
      "--input",
      input(2),
      "--cluster",
      clusterId,
    ]);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.out)).toMatchObject({
      allowed: true,
      policyRuleURI: MAX_BLOCKS,
      source: "network",
    });
    const denied = await run(["gateway", "dry-run", "add_block", "--input", input(10)]);
    expect(denied.code).toBe(1);
    expect(denied.err).toBe(
      `add_block denied by pre-check ${MAX_BLOCKS}: cluster ${clusterId} already runs 10 block(s), the limit is 10`,
    );
    const missing = await run(["gateway", "dry-run", "add_block"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("gateway dry-run needs --input");
    await run(["gateway", "set", "add_block", ""]);
  });

  it("removes a node, then its cluster, as their pre-check allows; a cluster that is gone exits 1", async () => {
    await run(["gateway", "set", "remove_cluster", "allow-list:1.0.0-stable"]);
    // allow-list's defaults allow every cluster, so this one is removed once it is empty.
    expect(await run(["remove", "node", `${clusterId}-n1`])).toMatchObject({
      code: 0,
      out: `node ${clusterId}-n1: removed from cluster ${clusterId}`,
    });
    expect(await run(["remove", "cluster", clusterId])).toMatchObject({
      code: 0,
      out: `cluster ${clusterId}: removed`,
    });
    const gone = await run(["remove", "cluster", clusterId]);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain("was not found");
    await run(["gateway", "set", "remove_cluster", ""]);
  });
});
