import { describe, expect, it } from "vitest";
import {
  MAX_NAME_LENGTH,
  MAX_POLICY_SOURCE_BYTES,
  MAX_SPEC_DOCUMENT_BYTES,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAX_VDAG_CONNECTIONS,
  MAX_VDAG_NODES,
  parseSpecDocument,
  specDocumentOf,
  type TSpecAction,
} from "../src/index";

const errorsOf = (action: TSpecAction, values: Record<string, unknown>) => {
  const outcome = parseSpecDocument(specDocumentOf(action, values));
  return outcome.ok ? [] : outcome.errors;
};

const cluster = { id: "c1", config: { publicHostname: "127.0.0.1" } };
const component = {
  componentId: { name: "echo", version: "1.0.0", releaseTag: "stable" },
  componentType: "model",
};
const policy = {
  name: "lb",
  version: "1.0.0",
  releaseTag: "stable",
  kind: "loadBalancer",
  code: "export default 1;",
};
const node = (i: number) => ({ spec: { values: { nodeLabel: `n${i}`, manualBlockId: "blk-aaaaaaaa" } } });
const vdag = (n: number) => ({ vdagName: "v", nodes: Array.from({ length: n }, (_, i) => node(i)) });

describe("spec limits: each refusal names the field, the limit and its constant", () => {
  it(`names: at most ${MAX_NAME_LENGTH} characters`, () => {
    const long = "a".repeat(MAX_NAME_LENGTH + 1);
    const message = `must have at most ${MAX_NAME_LENGTH} characters (MAX_NAME_LENGTH)`;
    expect(
      errorsOf("registerComponent", { ...component, componentId: { ...component.componentId, name: long } }),
    ).toContainEqual({ path: "body.spec.values.componentId.name", message });
    expect(errorsOf("createPolicy", { ...policy, name: long })).toContainEqual({
      path: "body.spec.values.name",
      message,
    });
    expect(errorsOf("createvDAG", { ...vdag(1), vdagName: long })).toContainEqual({
      path: "body.spec.values.vdagName",
      message,
    });
    expect(errorsOf("createCluster", { ...cluster, regionId: long })).toContainEqual({
      path: "body.spec.values.regionId",
      message,
    });
    expect(errorsOf("createPolicy", { ...policy, name: "a".repeat(MAX_NAME_LENGTH) })).toEqual([]);
  });

  it(`tags: at most ${MAX_TAGS}, each at most ${MAX_TAG_LENGTH} characters`, () => {
    expect(errorsOf("createCluster", { ...cluster, tags: ["x".repeat(MAX_TAG_LENGTH + 1)] })).toEqual([
      {
        path: "body.spec.values.tags[0]",
        message: `must have at most ${MAX_TAG_LENGTH} characters (MAX_TAG_LENGTH)`,
      },
    ]);
    const many = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`);
    expect(errorsOf("registerComponent", { ...component, tags: many })).toEqual([
      { path: "body.spec.values.tags", message: `must have at most ${MAX_TAGS} tags (MAX_TAGS)` },
    ]);
    expect(errorsOf("createPolicy", { ...policy, tags: many.join(",") })).toEqual([
      { path: "body.spec.values.tags", message: `must have at most ${MAX_TAGS} tags (MAX_TAGS)` },
    ]);
  });

  it(`vDAGs: at most ${MAX_VDAG_NODES} nodes and ${MAX_VDAG_CONNECTIONS} connections`, () => {
    expect(errorsOf("createvDAG", vdag(MAX_VDAG_NODES + 1))).toContainEqual({
      path: "body.spec.values.nodes",
      message: `must have at most ${MAX_VDAG_NODES} nodes (MAX_VDAG_NODES)`,
    });
    const connections = Array.from({ length: MAX_VDAG_CONNECTIONS + 1 }, () => ({
      nodeLabel: "n1",
      inputs: [{ nodeLabel: "n0" }],
    }));
    expect(errorsOf("createvDAG", { ...vdag(2), graph: { connections } })).toContainEqual({
      path: "body.spec.values.graph.connections",
      message: `must have at most ${MAX_VDAG_CONNECTIONS} connections (MAX_VDAG_CONNECTIONS)`,
    });
  });

  it(`policy source: at most ${MAX_POLICY_SOURCE_BYTES} bytes of UTF-8`, () => {
    const code = `// ${"é".repeat(MAX_POLICY_SOURCE_BYTES / 2)}`;
    expect(errorsOf("createPolicy", { ...policy, code })).toEqual([
      {
        path: "body.spec.values.code",
        message: `is ${MAX_POLICY_SOURCE_BYTES + 3} bytes; must have at most ${MAX_POLICY_SOURCE_BYTES} bytes (MAX_POLICY_SOURCE_BYTES)`,
      },
    ]);
  });

  it(`a whole document: at most ${MAX_SPEC_DOCUMENT_BYTES} bytes of JSON`, () => {
    const document = specDocumentOf("registerComponent", {
      ...component,
      componentMetadata: { notes: "x".repeat(MAX_SPEC_DOCUMENT_BYTES) },
    });
    const outcome = parseSpecDocument(document);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect(outcome.errors).toEqual([
        {
          path: "(document)",
          message: `is ${JSON.stringify(document).length} bytes of JSON; must have at most ${MAX_SPEC_DOCUMENT_BYTES} bytes (MAX_SPEC_DOCUMENT_BYTES)`,
        },
      ]);
    // A policy of the largest source still fits.
    expect(errorsOf("createPolicy", { ...policy, code: "x".repeat(MAX_POLICY_SOURCE_BYTES) })).toEqual([]);
  });

  it("a cluster's status is one of the known ones", () => {
    expect(errorsOf("createCluster", { ...cluster, status: "offline" })).toEqual([]);
    expect(errorsOf("createCluster", { ...cluster, status: "on fire" })).toEqual([
      { path: "body.spec.values.status", message: 'expected one of "live", "offline", got "on fire"' },
    ]);
  });
});
