import type { Db } from "@aios/db";
import type {
  TBlockMetrics,
  TInstancePolicy,
  TPolicyKind,
  TPolicyRuleRef,
  TVdagControllerConfig,
  TVdagPlan,
  TVdagPlanNode,
  TVdagSpec,
} from "@aios/spec";
import { ZVdagPlan } from "@aios/spec";
import { NotFoundError, UserError } from "../../errors";
import { toBlockRecord } from "../blocks/block.service";
import { checkPolicyValues } from "../policies/policy-contract";
import { policySource } from "../policies/policy-runtime.service";
import { asObject } from "../registry/doc";
import { searchKeys } from "../registry/search";
import { analyseGraph } from "./graph";

const NODES = "body.spec.values.nodes";
const CONTROLLER = "body.spec.values.controller";

/** What each node of a vDAG is served by: a block, or (nested) another vDAG. */
export type TAssignment = Record<string, { blockId: string; by: "manual" | "policy" } | { vdagURI: string }>;

/** The controller's configuration minus the plan and its identity: what the vDAG's spec asks for. */
export type TControllerPolicies = Omit<TVdagControllerConfig, "controllerId" | "vdagURI" | "plan">;

export interface CompileDeps {
  db: Db;
  /** Runs a stored policy centrally (the API's policy executor). */
  executePolicy(
    uri: string,
    input: unknown,
    overrides: { settings?: object; parameters?: object },
  ): Promise<{ ok: boolean; output?: unknown; error?: { message: string } }>;
}

/** A stored policy of the expected kind, the rule's settings and parameters over its defaults. */
async function runtimePolicy(
  db: Db,
  ref: TPolicyRuleRef,
  kind: TPolicyKind,
  field: string,
): Promise<TInstancePolicy> {
  const source = await policySource(db, ref.policyRuleURI, `${field}.policyRuleURI`);
  if (source.kind !== kind) {
    throw UserError.field(
      `${field}.policyRuleURI`,
      `${ref.policyRuleURI} is a ${source.kind} policy, not ${kind}`,
    );
  }
  await checkPolicyValues(db, ref.policyRuleURI, ref, {
    settings: `${field}.settings`,
    parameters: `${field}.parameters`,
  });
  return {
    policyRuleURI: ref.policyRuleURI,
    code: source.code,
    settings: { ...source.settings, ...(ref.settings ?? {}) },
    parameters: { ...source.parameters, ...(ref.parameters ?? {}) },
  };
}

/**
 * Gives every node its block: `manualBlockId` wins (it must exist and not be removed); else the
 * assignment policy picks one among the running blocks its `parameters.filterRule` matches. A
 * nested vDAG node must name a vDAG that was compiled. Errors name the node's field.
 */
export async function assignNodes(
  deps: CompileDeps,
  vdagURI: string,
  values: TVdagSpec,
): Promise<TAssignment> {
  const out: TAssignment = {};
  for (const [i, n] of values.nodes.entries()) {
    const v = n.spec.values;
    const at = `${NODES}.${i}.spec.values`;
    if (v.nodeType === "vdag") {
      const uri = v.vdagURI as string;
      if (uri === vdagURI) throw UserError.field(`${at}.vdagURI`, "a vDAG cannot contain itself");
      const nested = await deps.db.vdag.findUnique({ where: { vdagURI: uri } });
      if (!nested || nested.status === "removed") throw new NotFoundError("vDAG", uri, `${at}.vdagURI`);
      if (!nested.compiled)
        throw UserError.field(`${at}.vdagURI`, `vDAG ${uri} is ${nested.status}, not compiled yet`);
      out[v.nodeLabel] = { vdagURI: uri };
      continue;
    }
    if (v.manualBlockId) {
      const block = await deps.db.block.findUnique({ where: { id: v.manualBlockId } });
      if (!block || block.status === "removed")
        throw new NotFoundError("block", v.manualBlockId, `${at}.manualBlockId`);
      out[v.nodeLabel] = { blockId: block.id, by: "manual" };
      continue;
    }
    const rule = v.assignmentPolicyRule as TPolicyRuleRef;
    const filter = asObject(rule.parameters).filterRule;
    // The policy gets its parameters without the filter, which the API runs itself.
    const { filterRule: _filter, ...parameters } = asObject(rule.parameters);
    await checkPolicyValues(
      deps.db,
      rule.policyRuleURI,
      { settings: rule.settings ?? {}, parameters },
      {
        settings: `${at}.assignmentPolicyRule.settings`,
        parameters: `${at}.assignmentPolicyRule.parameters`,
      },
      `${at}.assignmentPolicyRule.policyRuleURI`,
    );
    const keys = filter
      ? await searchKeys(deps.db, "blocks", filter as never, { limit: 200 })
      : (await deps.db.block.findMany({ select: { id: true }, take: 200, orderBy: { id: "asc" } })).map(
          (b) => b.id,
        );
    const rows = await deps.db.block.findMany({ where: { id: { in: keys }, status: "running" } });
    if (rows.length === 0) {
      throw UserError.field(
        `${at}.assignmentPolicyRule`,
        `no running block matches node ${v.nodeLabel}'s filterRule`,
      );
    }
    const metrics = await latestBlockMetrics(
      deps.db,
      rows.map((r) => r.id),
    );
    const candidates = rows.map((r) => {
      const rec = toBlockRecord(r);
      return {
        ...asObject(rec.doc),
        id: rec.id,
        blockComponentURI: rec.componentURI,
        ...(rec.clusterId ? { clusterId: rec.clusterId } : {}),
        status: rec.status,
        minInstances: rec.minInstances,
        maxInstances: rec.maxInstances,
        tags: r.tags,
        metrics: metrics.get(rec.id) ?? { instances: rec.desiredInstances },
      };
    });
    const r = await deps.executePolicy(
      rule.policyRuleURI,
      { vdagURI, nodeLabel: v.nodeLabel, filterResult: candidates },
      { settings: rule.settings ?? {}, parameters },
    );
    if (!r.ok) {
      throw UserError.field(
        `${at}.assignmentPolicyRule`,
        `the assignment policy failed for node ${v.nodeLabel}: ${r.error?.message ?? "unknown error"}`,
      );
    }
    const blockId = (r.output as { blockId: string }).blockId;
    if (!rows.some((row) => row.id === blockId)) {
      throw UserError.field(
        `${at}.assignmentPolicyRule`,
        `the assignment policy chose ${blockId}, which is not among the ${rows.length} candidate block(s)`,
      );
    }
    out[v.nodeLabel] = { blockId, by: "policy" };
  }
  return out;
}

/**
 * What the agents last pushed about each block (the last 5 minutes): healthy instances, tasks in
 * flight, and the median latency over its instances' own medians.
 */
async function latestBlockMetrics(db: Db, blockIds: string[]): Promise<Map<string, TBlockMetrics>> {
  const rows = await db.metricSample.findMany({
    where: {
      ts: { gte: new Date(Date.now() - 5 * 60_000) },
      OR: [
        { entityType: "block", entityId: { in: blockIds }, name: { in: ["in_flight", "instances_healthy"] } },
        ...blockIds.map((id) => ({
          entityType: "instance",
          entityId: { startsWith: `${id}/` },
          name: "latency_p50_ms",
        })),
      ],
    },
    orderBy: { ts: "desc" },
    take: 10_000,
  });
  const seen = new Set<string>();
  const out = new Map<string, TBlockMetrics & { latencies?: number[] }>();
  for (const r of rows) {
    const key = `${r.entityId}#${r.name}`;
    if (seen.has(key)) continue; // rows are newest first: keep the latest of each series
    seen.add(key);
    const blockId = r.entityId.split("/")[0] as string;
    const m = out.get(blockId) ?? {};
    if (r.name === "in_flight" && r.entityType === "block") {
      m.inFlight = r.value;
      m.queueLength = r.value;
    }
    if (r.name === "instances_healthy") m.instances = r.value;
    if (r.name === "latency_p50_ms") m.latencies = [...(m.latencies ?? []), r.value];
    out.set(blockId, m);
  }
  for (const m of out.values()) {
    if (m.latencies?.length) {
      const sorted = m.latencies.sort((a, b) => a - b);
      m.latencyMs = sorted[Math.floor(sorted.length / 2)];
    }
    delete m.latencies;
  }
  return out;
}

/**
 * The executable plan: one step per block node, nested vDAGs inlined as `<label>.<innerLabel>`
 * (edges into the nested node reach its heads; its tails feed the node's consumers), each step with
 * its vDAG node policies' code. Heads, tails and order are of the expanded graph.
 */
export async function compilePlan(
  db: Db,
  vdagURI: string,
  values: TVdagSpec,
  assignment: TAssignment,
): Promise<TVdagPlan> {
  const shape = analyseGraph(values);
  const labels = values.nodes.map((n) => n.spec.values.nodeLabel);
  const incoming = new Map(labels.map((l) => [l, [] as string[]]));
  const outgoing = new Map(labels.map((l) => [l, [] as string[]]));
  for (const c of values.graph.connections) {
    for (const input of c.inputs) {
      incoming.get(c.nodeLabel)?.push(input.nodeLabel);
      outgoing.get(input.nodeLabel)?.push(c.nodeLabel);
    }
  }
  const graph = Object.fromEntries(labels.map((l) => [l, outgoing.get(l) ?? []]));

  // Each spec node becomes a sub-plan: its entry steps, its exit steps, and its steps.
  const parts = new Map<
    string,
    { entries: string[]; exits: string[]; order: string[]; steps: TVdagPlanNode[] }
  >();
  for (const [i, n] of values.nodes.entries()) {
    const v = n.spec.values;
    const at = `${NODES}.${i}.spec.values`;
    const assigned = assignment[v.nodeLabel];
    if (!assigned) throw UserError.field(at, `node ${v.nodeLabel} has no assignment`);
    if ("vdagURI" in assigned) {
      const nested = await db.vdag.findUnique({ where: { vdagURI: assigned.vdagURI } });
      const inner = ZVdagPlan.parse(nested?.compiled);
      if (Object.values(inner.nodes).some((s) => s.node.vdagURI === vdagURI))
        throw UserError.field(`${at}.vdagURI`, `vDAG ${assigned.vdagURI} contains ${vdagURI}: a cycle`);
      const rename = (l: string) => `${v.nodeLabel}.${l}`;
      parts.set(v.nodeLabel, {
        entries: inner.heads.map(rename),
        exits: inner.tails.map(rename),
        order: inner.order.map(rename),
        steps: Object.values(inner.nodes).map((s) => ({
          ...s,
          label: rename(s.label),
          inputs: s.inputs.map(rename),
          next: s.next.map(rename),
        })),
      });
      continue;
    }
    const node = {
      vdagURI,
      nodeLabel: v.nodeLabel,
      modelParameters: v.modelParameters ?? {},
      next: graph[v.nodeLabel] ?? [],
      graph,
      ...(v.preprocessingPolicyRule
        ? {
            preprocessing: await runtimePolicy(
              db,
              v.preprocessingPolicyRule,
              "vdagPreProcessing",
              `${at}.preprocessingPolicyRule`,
            ),
          }
        : {}),
      ...(v.postprocessingPolicyRule
        ? {
            postprocessing: await runtimePolicy(
              db,
              v.postprocessingPolicyRule,
              "vdagPostProcessing",
              `${at}.postprocessingPolicyRule`,
            ),
          }
        : {}),
    };
    parts.set(v.nodeLabel, {
      entries: [v.nodeLabel],
      exits: [v.nodeLabel],
      order: [v.nodeLabel],
      steps: [
        { label: v.nodeLabel, blockId: assigned.blockId, executorEndpoint: null, inputs: [], next: [], node },
      ],
    });
  }

  // Wire the spec's edges between sub-plans: every exit of the producer feeds every entry of the consumer.
  const steps = new Map<string, TVdagPlanNode>();
  for (const part of parts.values()) for (const s of part.steps) steps.set(s.label, { ...s });
  for (const l of labels) {
    const from = parts.get(l);
    for (const to of outgoing.get(l) ?? []) {
      const target = parts.get(to);
      if (!from || !target) continue;
      for (const exit of from.exits) {
        for (const entry of target.entries) {
          steps.get(exit)?.next.push(entry);
          steps.get(entry)?.inputs.push(exit);
        }
      }
    }
  }
  // Inner steps keep their own topological order (the nested plan's `order`, renamed).
  const order = shape.order.flatMap((l) => parts.get(l)?.order ?? []);
  const all = [...steps.values()];
  return {
    vdagURI,
    heads: all.filter((s) => s.inputs.length === 0).map((s) => s.label),
    tails: all.filter((s) => s.next.length === 0).map((s) => s.label),
    order,
    nodes: Object.fromEntries(all.map((s) => [s.label, s])),
    assignment: Object.fromEntries(all.map((s) => [s.label, s.blockId])),
  };
}

/** The controller's policies and settings as the spec's `controller` section asks for them. */
export async function controllerPolicies(db: Db, values: TVdagSpec): Promise<TControllerPolicies> {
  const c = values.controller ?? {};
  const settings = c.initSettings ?? {};
  const on = (section: { enabled?: boolean | undefined } | undefined, rule: unknown) =>
    section !== undefined && section.enabled !== false && rule !== undefined;
  const quotaRule = c.quotaChecker?.quotaCheckerPolicyRule;
  const healthRule = c.healthChecker?.healthCheckerPolicyRule;
  const qualityRule = c.qualityChecker?.qualityCheckerPolicyRule;
  return {
    stepTimeoutMs: settings.stepTimeoutMs ?? 30_000,
    retries: settings.retries ?? 1,
    fanInTimeoutMs: settings.fanInTimeoutMs ?? 60_000,
    ...(on(c.quotaChecker, quotaRule)
      ? {
          quota: {
            policy: await runtimePolicy(
              db,
              quotaRule as TPolicyRuleRef,
              "quotaChecker",
              `${CONTROLLER}.quotaChecker.quotaCheckerPolicyRule`,
            ),
          },
        }
      : {}),
    health: {
      intervalSeconds: c.healthChecker?.interval ?? 10,
      ...(on(c.healthChecker, healthRule)
        ? {
            policy: await runtimePolicy(
              db,
              healthRule as TPolicyRuleRef,
              "vdagHealthChecker",
              `${CONTROLLER}.healthChecker.healthCheckerPolicyRule`,
            ),
          }
        : {}),
    },
    ...(on(c.qualityChecker, qualityRule)
      ? {
          quality: {
            framesInterval: c.qualityChecker?.framesInterval ?? 100,
            policy: await runtimePolicy(
              db,
              qualityRule as TPolicyRuleRef,
              "qualityChecker",
              `${CONTROLLER}.qualityChecker.qualityCheckerPolicyRule`,
            ),
          },
        }
      : {}),
  };
}
