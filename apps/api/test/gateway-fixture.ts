/**
 * What the gateway pre-check tests share: test-only preCheck policies (deny, modify, throw, bad
 * output, allow), the example ones, and a cluster with a node and a block to act on.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, expect } from "vitest";
import type { ApiHarness } from "./harness";
import { doc, rejection, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples");
const json = (f: string) => JSON.parse(readFileSync(resolve(examples, "specs", f), "utf8")) as unknown;

// Test-only pre-check policies: one denies every action (naming it and the cluster), one modifies
// inputs, two fail (a throw, an output that is no decision), one allows everything.
const POLICIES: Record<string, string> = {
  "gw-deny": `eval(input) {
    const where = input.clusterData ? " on cluster " + input.clusterData.id : "";
    return { allowed: false, reason: input.action + " is not allowed" + where };
  }`,
  "gw-modify": `eval(input) {
    if (input.action === "add_node") {
      return { allowed: true, input: { ...input, nodeData: { ...input.nodeData, tags: [...(input.nodeData.tags ?? []), "admitted"] } } };
    }
    if (input.action === "add_cluster" || input.action === "update_cluster") {
      return { allowed: true, input: { ...input, clusterData: { ...input.clusterData, tags: [...(input.clusterData.tags ?? []), "vetted"] } } };
    }
    if (input.action === "scale_block" && input.input.operation === "upscale" && (input.input.instancesCount ?? 0) > 1) {
      return { allowed: true, input: { ...input, input: { ...input.input, instancesCount: 1 } } };
    }
    if (input.action === "remove_node") {
      return { allowed: true, input: { ...input, nodeId: "other" } };
    }
    return { allowed: true };
  }`,
  "gw-throws": `eval(input) { throw new Error("no decision for " + input.action); }`,
  "gw-bad-output": `eval() { return { ok: true }; }`,
  "gw-allow": `eval() { return { allowed: true }; }`,
};

const policyDoc = (name: string, code: string, settings: Record<string, unknown> = {}) =>
  doc("createPolicy", {
    name,
    version: "1.0.0",
    releaseTag: "stable",
    kind: "preCheck",
    description: `test pre-check ${name}`,
    code,
    policySettings: settings,
    policyParameters: {},
  });

export const uri = (name: string) => `${name}:1.0.0-stable`;
/** Makes this run's ids unique. */
export const t = Date.now().toString(36);

function gateway(api: ApiHarness) {
  const set = (action: string, name: string | "", clusterId?: string) =>
    api.caller().gateway.setPreCheckPolicy({
      action,
      policyRuleURI: name ? uri(name) : "",
      ...(clusterId ? { clusterId } : {}),
    });
  /** Runs `fn` with `name` as the network's policy for `action`, then removes it. */
  const withNetwork = async <T>(action: string, name: string, fn: () => Promise<T>): Promise<T> => {
    await set(action, name);
    try {
      return await fn();
    } finally {
      await set(action, "");
    }
  };
  return { set, withNetwork };
}

export const clusterSpec = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  regionId: "eu-west",
  config: { publicHostname: "127.0.0.1" },
  ...extra,
});

/** An API with the policies above and cluster `gw-<t>` (node `-n1`, block `-a`), set up once per file. */
export function useGateway() {
  const api = useApi();
  const { set, withNetwork } = gateway(api);
  const clusterId = `gw-${t}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const apply = (action: string, values: Record<string, unknown>) =>
    api.caller().parser.applySpec({ document: doc(action, values) });
  /** The gateway's audit events, newest first. */
  const preCheckEvents = (target?: string) =>
    api.services.db.auditEvent.findMany({
      where: { action: "gateway.preCheck", ...(target ? { target } : {}) },
      orderBy: { id: "desc" },
    });
  const denied = async (p: Promise<unknown>, message: string) => {
    const err = await rejection(p);
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toBe(message);
  };

  beforeAll(async () => {
    for (const document of json("components.json") as unknown[])
      await api.caller().parser.applySpec({ document });
    for (const { document } of loadSpecFile(resolve(examples, "specs/policies.json")))
      await api.caller().parser.applySpec({ document });
    for (const [name, body] of Object.entries(POLICIES)) {
      const code = `import { definePolicy } from "@aios/policy-runtime";\nexport default definePolicy({ kind: "preCheck", init() { return {}; }, ${body} });\n`;
      await api.caller().parser.applySpec({ document: policyDoc(name, code) });
    }
    const maxBlocks = readFileSync(resolve(examples, "policies/max-blocks-per-cluster.ts"), "utf8");
    await api
      .caller()
      .parser.applySpec({ document: policyDoc("gw-max-blocks", maxBlocks, { maxBlocks: 1 }) });
    const allowList = readFileSync(resolve(examples, "policies/allow-list.ts"), "utf8");
    await api.caller().parser.applySpec({
      document: policyDoc("gw-allow-list", allowList, { clusterIds: [clusterId] }),
    });
    await apply("createCluster", clusterSpec(clusterId));
    await apply("addNode", {
      clusterId,
      nodeData: { id: `${clusterId}-n1`, vcpus: { count: 4 }, memory: 8192 },
    });
    await apply("createBlock", {
      blockComponentURI: "model.echo:1.0.0-stable",
      blockId: `${clusterId}-a`,
      clusterId,
      minInstances: 1,
      maxInstances: 4,
    });
  });

  return { api, set, withNetwork, clusterId, agent, apply, preCheckEvents, denied };
}
