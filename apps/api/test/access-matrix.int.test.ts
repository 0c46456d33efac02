import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import {
  expectedOutcome,
  MATRIX_CALLERS,
  type MatrixCaller,
  type MatrixOutcome,
  PROCEDURE_RULES,
  type ProcedureRule,
} from "../src/auth/access-matrix";
import type { Principal } from "../src/auth/principal";
import { resolvePrincipal } from "../src/auth/resolve-principal";
import { appRouter } from "../src/router";
import { type Caller, useApi } from "./harness";

// Every tRPC procedure called by every kind of caller, with real tokens in AIOS_AUTH=token mode:
// each answer must be what the access matrix declares (anything but 401/403 counts as let through;
// the inputs may well be invalid).

const api = useApi({ auth: "token" });

const HERE = "am-here";
const ELSEWHERE = "am-elsewhere";
const BLOCK = "am-block";
const FUNCTION = "am-fn";
const JOB = "am-job";
const CONTROLLER = "am-ctl";
const POLICY = "am-policy:1.0.0-stable";
const EVENT = 4242;

/**
 * The input of each agent procedure, naming this cluster or one of its things: the agent of this
 * cluster is let through, the agent of another refused. Every agent procedure needs one.
 */
const AGENT_INPUTS: Record<string, unknown> = {
  "agents.register": {
    clusterId: HERE,
    publicHostname: "127.0.0.1",
    node: { id: "am-node", vcpus: 1, memoryMb: 512, storageMb: 0, cpuModel: "test", gpus: [] },
  },
  "agents.heartbeat": { clusterId: HERE, nodeId: "am-node" },
  "agents.work.policyJob": { jobId: JOB },
  "agents.work.reportPolicyJob": { jobId: JOB, result: { ok: true, output: 1, logs: [], durationMs: 1 } },
  "agents.work.assetFetchToken": { clusterId: HERE, sha256: "ab".repeat(32) },
  "agents.work.metricsKey": { clusterId: HERE, holder: { kind: "block-executor", id: "am-no-block" } },
  "agents.work.clusterStability": { clusterId: HERE },
  "agents.work.reportClusterStability": {
    clusterId: HERE,
    policyRuleURI: POLICY,
    result: { ok: true, output: {}, logs: [], durationMs: 1 },
  },
  "agents.work.blockEventPolicy": { eventId: EVENT, handler: { policyRuleURI: POLICY } },
  "agents.work.blockEventOutcome": {
    eventId: EVENT,
    policyRuleURI: POLICY,
    result: { ok: true, output: {}, logs: [], durationMs: 1 },
  },
  "agents.work.desiredFunctions": { clusterId: HERE },
  "agents.work.desiredFunction": { name: FUNCTION },
  "agents.work.reportFunction": { name: FUNCTION, replicas: [] },
  "agents.work.autoscaleFunction": { name: FUNCTION, replicas: 1 },
  "agents.work.metricsQuery": { clusterId: HERE, query: { entity: "node" } },
  "agents.work.clusterDuty": { clusterId: HERE, nodeId: "am-node" },
  "agents.work.releaseClusterDuty": { clusterId: HERE, nodeId: "am-node" },
  "agents.work.desiredBlocks": { clusterId: HERE, nodeId: "am-node" },
  "agents.work.desiredBlock": { blockId: BLOCK, nodeId: "am-node" },
  "agents.work.rollTurn": { blockId: BLOCK, nodeId: "am-node" },
  "agents.work.reportBlock": { blockId: BLOCK, nodeId: "am-node", executorEndpoint: null, instances: [] },
  "agents.work.autoscaled": { blockId: BLOCK, instances: 1 },
  "agents.work.reportMetrics": {
    samples: [{ entityType: "block", entityId: BLOCK, name: "am_requests", value: 1 }],
  },
  "agents.work.reportInitStage": { blockId: BLOCK, mode: "install", stage: "begin" },
  "agents.work.desiredVdagControllers": { clusterId: HERE },
  "agents.work.desiredVdagController": { controllerId: CONTROLLER },
  "agents.work.reportVdagController": { controllerId: CONTROLLER, url: null },
  "agents.work.reportQualitySamples": { controllerId: CONTROLLER, samples: [] },
  "agents.work.vdagQuotaState": { controllerId: CONTROLLER },
  "agents.work.reportVdagQuota": {
    controllerId: CONTROLLER,
    changes: { version: 1, total: 0, sessions: [] },
  },
  "agents.work.reportVdagMetrics": {
    controllerId: CONTROLLER,
    status: {
      controllerId: CONTROLLER,
      vdagURI: "am-vdag:1.0.0-stable",
      healthy: true,
      checkedAt: null,
      healthCheckData: {},
      requests: { total: 0, errors: 0, refused: 0, p50Ms: null, p99Ms: null },
      nodes: {},
      quality: { sampled: 0, failed: 0 },
    },
  },
};

/** Inputs of other procedures where `{}` would not reach the check the matrix is about. */
const OTHER_INPUTS: Record<string, unknown> = {
  "agents.join": { joinToken: "aios_not-a-join-token" },
};

const inputOf = (path: string) => AGENT_INPUTS[path] ?? OTHER_INPUTS[path] ?? {};

const procedurePaths = Object.keys((appRouter._def as unknown as { procedures: object }).procedures);

/** What one call gets: its refusal's code, or `allowed` (whatever else it answered). */
async function outcomeOf(caller: Caller, path: string): Promise<{ outcome: MatrixOutcome; message: string }> {
  let target: unknown = caller;
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  try {
    const result = await (target as (input: unknown) => Promise<unknown>)(inputOf(path));
    // A subscription answers with its stream: close it at once.
    const iterate = (result as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown> } | null)?.[
      Symbol.asyncIterator
    ];
    if (typeof iterate === "function") await iterate.call(result).return?.();
    return { outcome: "allowed", message: "" };
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "UNAUTHORIZED" || err.code === "FORBIDDEN"))
      return { outcome: err.code, message: err.message };
    return { outcome: "allowed", message: (err as Error).message };
  }
}

describe("the access matrix, called", () => {
  const principals = {} as Record<MatrixCaller, Principal | null>;

  beforeAll(async () => {
    const db = api.database.db;
    await db.cluster.createMany({ data: [{ id: HERE }, { id: ELSEWHERE }] });
    await db.component.create({
      data: {
        componentURI: "model.am-echo:1.0.0-stable",
        componentType: "model",
        name: "model.am-echo",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: { id: BLOCK, componentURI: "model.am-echo:1.0.0-stable", clusterId: HERE },
    });
    await db.blockEvent.create({
      data: { id: EVENT, blockId: BLOCK, clusterId: HERE, name: "am_event", source: "platform" },
    });
    await db.policy.create({
      data: {
        policyRuleURI: POLICY,
        name: "am-policy",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "function",
      },
    });
    await db.policyFunction.create({ data: { name: FUNCTION, policyRuleURI: POLICY, clusterId: HERE } });
    await db.policyJob.create({ data: { id: JOB, name: "am job", policyRuleURI: POLICY, clusterId: HERE } });
    await db.vdag.create({
      data: { vdagURI: "am-vdag:1.0.0-stable", vdagName: "am-vdag", version: "1.0.0", releaseTag: "stable" },
    });
    await db.vdagController.create({
      data: { id: CONTROLLER, vdagURI: "am-vdag:1.0.0-stable", clusterId: HERE },
    });

    const tokens = api.services.tokens;
    const issued: Record<Exclude<MatrixCaller, "none">, { token: string }> = {
      viewer: await tokens.issue({ name: "am viewer", role: "viewer" }),
      operator: await tokens.issue({ name: "am operator", role: "operator" }),
      admin: await tokens.issue({ name: "am admin", role: "admin" }),
      "agent-this-cluster": await tokens.issue({ name: "am agent here", role: "agent", scope: HERE }),
      "agent-other-cluster": await tokens.issue({
        name: "am agent elsewhere",
        role: "agent",
        scope: ELSEWHERE,
      }),
      data: await tokens.issue({ name: "am data", role: "data", scopes: [`block:${BLOCK}`] }),
      join: await tokens.issue({ name: "am join", role: "join", scope: HERE }),
    };
    principals.none = await resolvePrincipal(api.services, undefined);
    for (const [who, { token }] of Object.entries(issued)) {
      const principal = await resolvePrincipal(api.services, `Bearer ${token}`);
      expect(principal?.role, who).toBe(who.startsWith("agent") ? "agent" : who);
      principals[who as MatrixCaller] = principal;
    }
  });

  it("has an input naming this cluster for every agent procedure", () => {
    const agentPaths = procedurePaths.filter((p) => PROCEDURE_RULES[p] === "agent-own-cluster");
    expect(agentPaths.filter((p) => !(p in AGENT_INPUTS))).toEqual([]);
  });

  it.each(MATRIX_CALLERS)("answers each procedure as the matrix says, called by: %s", async (who) => {
    const caller = api.caller(principals[who]);
    const mismatches: string[] = [];
    for (const path of procedurePaths) {
      const rule = PROCEDURE_RULES[path] as ProcedureRule;
      const expected = expectedOutcome(rule, who);
      const got = await outcomeOf(caller, path);
      if (got.outcome !== expected)
        mismatches.push(`${path} (${rule}): expected ${expected}, got ${got.outcome} ${got.message}`.trim());
    }
    expect(mismatches).toEqual([]);
  });

  it("names the role a refused viewer lacks: a dry run needs an operator", async () => {
    const err = await api
      .caller(principals.viewer)
      .policies.dryRun({} as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("FORBIDDEN");
    expect((err as TRPCError).message).toMatch(/operator/);
    expect((err as TRPCError).message).toMatch(/viewer/);
  });
});
