import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const components = JSON.parse(readFileSync(resolve(examples, "components.json"), "utf8")) as unknown[];
const localCluster = JSON.parse(readFileSync(resolve(examples, "local-cluster.json"), "utf8")) as unknown;

describe("Parser", () => {
  const api = useApi();

  it("registers the example components once; applying them again changes nothing", async () => {
    const first = await Promise.all(
      components.map((document) => api.caller().parser.applySpec({ document })),
    );
    expect(first.map((r) => [r.target, r.created])).toEqual([
      ["model.echo:1.0.0-stable", true],
      ["model.text-sentiment:1.0.0-stable", true],
      ["model.language-detect:1.0.0-stable", true],
      ["tool.http-proxy:1.0.0-stable", true],
      ["tool.kv-store:1.0.0-stable", true],
    ]);
    const again = await api.caller().parser.applySpec({ document: components[0] });
    expect(again.created).toBe(false);
    const listed = await api.caller().components.list();
    expect(listed.map((c) => c.componentURI).sort()).toEqual([
      "model.echo:1.0.0-stable",
      "model.language-detect:1.0.0-stable",
      "model.text-sentiment:1.0.0-stable",
      "tool.http-proxy:1.0.0-stable",
      "tool.kv-store:1.0.0-stable",
    ]);
    const audit = await api.services.audit.recent(10);
    expect(audit.filter((e) => e.action === "parser.registerComponent")).toHaveLength(6);
  });

  it("refuses other content under an existing component version", async () => {
    const changed = structuredClone(components[1]) as { body: { spec: { values: { tags: string[] } } } };
    changed.body.spec.values.tags = ["changed"];
    const err = await rejection(api.caller().parser.applySpec({ document: changed }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/model\.text-sentiment:1\.0\.0-stable.*immutable/);
  });

  it("rejects a malformed spec with errors naming each field, and stores nothing", async () => {
    const bad = doc("createBlock", {
      blockComponentURI: "model.echo:1.0.0-stable",
      minInstances: "two",
      maxInstances: 1,
    });
    const err = await rejection(api.caller().parser.applySpec({ document: bad }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("body.spec.values.minInstances");
    const checked = await api.caller().parser.validateSpec({ document: bad });
    expect(checked).toEqual({
      valid: false,
      errors: [{ path: "body.spec.values.minInstances", message: "expected a number, got string" }],
    });
    expect(await api.caller().blocks.list()).toEqual([]);
  });

  it("refuses a component whose runtime.entry leaves its directory, and stores nothing", async () => {
    const escaping = structuredClone(components[0]) as {
      body: { spec: { values: Record<string, unknown> } };
    };
    const values = escaping.body.spec.values;
    values.componentId = { name: "escaping", version: "1.0.0", releaseTag: "stable" };
    for (const entry of ["../../tmp/aios/evil.mjs", "/tmp/evil.mjs"]) {
      values.runtime = { entry };
      const err = await rejection(api.caller().parser.applySpec({ document: escaping }));
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.message).toContain("body.spec.values.runtime.entry");
      expect(err.message).toMatch(/'\.\.' segment|not an absolute path/);
    }
    expect((await api.caller().components.list()).map((c) => c.componentURI)).not.toContain(
      "model.escaping:1.0.0-stable",
    );
  });

  it("creates a cluster with its nodes, and adds a node to it", async () => {
    const created = await api.caller().parser.applySpec({ document: localCluster });
    expect(created).toMatchObject({ action: "createCluster", target: "local", created: true });
    const node = doc("addNode", {
      clusterId: "local",
      nodeData: {
        id: "gpu-node-1",
        vcpus: { count: 32 },
        memory: 131072,
        gpus: {
          count: 2,
          memory: 49152,
          gpus: [
            { modelName: "NVIDIA L4", memory: 24576 },
            { modelName: "NVIDIA L4", memory: 24576 },
          ],
        },
        tags: ["gpu"],
      },
    });
    const added = await api.caller().parser.applySpec({ document: node });
    expect(added).toMatchObject({ action: "addNode", target: "gpu-node-1", created: true });
    const stored = await api.caller().nodes.get({ id: "gpu-node-1" });
    expect(stored).toMatchObject({ clusterId: "local", vcpus: 32, memoryMb: 131072 });
    expect(stored.gpus).toMatchObject([
      { index: 0, modelName: "NVIDIA L4", memoryMb: 24576 },
      { index: 1, modelName: "NVIDIA L4", memoryMb: 24576 },
    ]);
    const cluster = await api.caller().clusters.get({ id: "local" });
    expect(cluster).toMatchObject({ nodeCount: 1, gpuCount: 2 });
  });

  it("says which field names a missing cluster when adding a node", async () => {
    const node = doc("addNode", {
      clusterId: "nowhere",
      nodeData: { id: "n-1", vcpus: { count: 1 }, memory: 1024 },
    });
    const err = await rejection(api.caller().parser.applySpec({ document: node }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe('cluster "nowhere" was not found (field clusterId)');
  });

  it("stores a block with the component's defaults and policies merged under its own", async () => {
    const block = doc("createBlock", {
      blockComponentURI: "model.text-sentiment:1.0.0-stable",
      blockId: "sentiment-a",
      minInstances: 1,
      maxInstances: 3,
      parameters: { threshold: 0.2 },
      policyRulesSpec: [{ values: { name: "loadBalancer", policyRuleURI: "least-loaded:1.0.0-stable" } }],
    });
    const r = await api.caller().parser.applySpec({ document: block });
    expect(r).toMatchObject({ action: "createBlock", target: "sentiment-a", created: true });
    const stored = await api.caller().blocks.get({ id: "sentiment-a" });
    expect(stored).toMatchObject({ status: "pending", clusterId: "local", minInstances: 1, maxInstances: 3 });
    expect(stored.doc.policies).toMatchObject({
      loadBalancer: { policyRuleURI: "least-loaded:1.0.0-stable" },
    });
    expect(stored.doc.parameters).toMatchObject({ threshold: 0.2 });
    expect((await api.caller().parser.applySpec({ document: block })).created).toBe(false);
  });

  it("names blockComponentURI when the component does not exist", async () => {
    const block = doc("createBlock", {
      blockComponentURI: "model.nope:1.0.0-stable",
      minInstances: 1,
      maxInstances: 1,
    });
    const err = await rejection(api.caller().parser.applySpec({ document: block }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain("field blockComponentURI");
  });

  it("validates a vDAG graph: heads and tails, and a cycle is named", async () => {
    const node = (label: string) => ({
      spec: { values: { nodeLabel: label, manualBlockId: "sentiment-a" } },
    });
    const graph = (edges: Array<[string, string]>) =>
      doc("createvDAG", {
        vdagName: "pipe",
        mode: "validateGraph",
        nodes: [node("a"), node("b"), node("c")],
        graph: { connections: edges.map(([from, to]) => ({ nodeLabel: to, inputs: [{ nodeLabel: from }] })) },
      });
    const ok = await api.caller().parser.applySpec({
      document: graph([
        ["a", "b"],
        ["a", "c"],
      ]),
    });
    expect(ok).toMatchObject({
      dryRun: true,
      created: false,
      result: { graph: { heads: ["a"], tails: ["b", "c"] } },
    });
    const err = await rejection(
      api.caller().parser.applySpec({
        document: graph([
          ["a", "b"],
          ["b", "c"],
          ["c", "b"],
        ]),
      }),
    );
    expect(err.message).toContain("cycle through b, c");
    expect(await api.caller().vdags.list()).toEqual([]);
  });
});
