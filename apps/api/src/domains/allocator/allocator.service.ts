import {
  fieldIssues,
  issuesLine,
  newBlockId,
  type TAllocationCandidate,
  type TAllocationDecision,
  type TBlockMode,
  type TBlockSpec,
  type TPolicyBlock,
  type TPolicyCallResult,
  ZClusterPostDryRunOutput,
  ZClusterSelectionOutput,
  ZFilterQuery,
  ZResourceDryRunOutput,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import { ConflictError, NotFoundError, UserError } from "../../errors";
import { blockDocument } from "../blocks/block.document";
import { checkBlockPolicyValues } from "../blocks/block-policy-values";
import { asObject } from "../registry/doc";
import { searchKeys } from "../registry/search";
import { builtinScores } from "./builtin-scorer";
import { type ClusterCandidate, componentResources, loadCandidates } from "./cluster-candidates";
import { runsOnlyFromImage } from "./component-driver";

/** The central executor (execution type 2): runs a policy by URI with a block's own values. */
export type ExecutePolicy = (
  policyRuleURI: string,
  input: unknown,
  overrides: { settings?: object; parameters?: object },
  /** `trustedInput`: the API built the input from its own rows (placement). */
  opts?: { trustedInput?: boolean },
) => Promise<TPolicyCallResult>;

export interface AllocatorDeps {
  db: Db;
  executePolicy: ExecutePolicy;
}

/** What the allocator needs of a block about to be created. */
export interface AllocationRequest {
  blockId: string;
  values: TBlockSpec;
  /** The block document (`blockDocument`): its merged policies and what policies see of it. */
  doc: Record<string, unknown>;
  componentDoc: unknown;
  componentTags: string[];
}

interface PolicyRef {
  policyRuleURI: string;
  settings: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

interface Entry {
  candidate: ClusterCandidate;
  outcome: TAllocationCandidate["outcome"];
  score: number | null;
  nodeInfo?: { nodeId: string; gpus?: number[] | undefined };
  reason?: string;
}

const FILTER_FIELD = "clusterAllocator.parameters.filter";

function policyRef(policies: Record<string, unknown>, name: string): PolicyRef | null {
  const ref = asObject(policies[name]);
  if (typeof ref.policyRuleURI !== "string" || ref.policyRuleURI === "") return null;
  return {
    policyRuleURI: ref.policyRuleURI,
    settings: asObject(ref.settings),
    parameters: asObject(ref.parameters),
  };
}

function asPolicyCandidate(c: ClusterCandidate) {
  return { ...c.cluster, clusterMetrics: c.metrics, nodes: c.nodes };
}

/**
 * The Resource Allocator's cluster choice (reference §7): the live clusters (only the spec's
 * `clusterId` when it names one), narrowed by the block's `clusterAllocator` `parameters.filter`
 * and `selection`, each scored by `resourceAllocator` `dry_run` (else the built-in scorer), and one
 * picked by `clusterAllocator` `post_dry_run` (else the highest score, ties by id). Placing
 * instances on nodes and GPUs within the chosen cluster is the agent's work.
 */
export function createAllocatorService(deps: AllocatorDeps) {
  const { db } = deps;

  async function run(
    policy: PolicyRef,
    name: string,
    step: string,
    input: unknown,
    parameters: Record<string, unknown> = policy.parameters,
  ): Promise<{ ok: true; output: unknown } | { ok: false; message: string }> {
    const at = `${name} ${policy.policyRuleURI} (${step})`;
    let r: TPolicyCallResult;
    try {
      r = await deps.executePolicy(policy.policyRuleURI, input, { settings: policy.settings, parameters });
    } catch (err) {
      if (err instanceof NotFoundError) throw UserError.field(name, `${at}: ${err.message}`);
      throw err;
    }
    return r.ok
      ? { ok: true, output: r.output }
      : {
          ok: false,
          message: `${at} failed (${r.error?.kind ?? "error"}): ${r.error?.message ?? "unknown"}`,
        };
  }

  /** A policy's failure in selection or dry_run stops the allocation, naming the policy and the step. */
  function failed(message: string): never {
    throw new UserError(message);
  }

  async function score(
    entries: Entry[],
    req: AllocationRequest,
    blockData: TPolicyBlock,
    ra: PolicyRef | null,
  ): Promise<void> {
    if (!ra) {
      const needs = componentResources(req.componentDoc);
      const scores = builtinScores(
        entries.map((e) => e.candidate),
        needs,
        req.values.minInstances,
        runsOnlyFromImage(req.componentDoc),
      );
      for (const [i, e] of entries.entries()) Object.assign(e, scoredEntry(scores[i] ?? { score: 0 }));
      return;
    }
    for (const e of entries) {
      const c = e.candidate;
      const r = await run(ra, "resourceAllocator", `dry_run for cluster ${c.cluster.id}`, {
        action: "dry_run",
        payload: { block: blockData, cluster: c.cluster, clusterMetrics: c.metrics, nodes: c.nodes },
      });
      if (!r.ok) failed(r.message);
      const out = ZResourceDryRunOutput.safeParse(r.output);
      if (!out.success) {
        failed(
          `resourceAllocator ${ra.policyRuleURI} (dry_run for cluster ${c.cluster.id}) answered no selectionScoreData: ${issuesLine(fieldIssues(out.error, "(output)"))}`,
        );
      }
      const { score: s, nodeInfo } = out.data.selectionScoreData;
      Object.assign(
        e,
        scoredEntry({
          score: s,
          ...(nodeInfo ? { nodeInfo } : {}),
          ...(s === 0 ? { reason: `resourceAllocator ${ra.policyRuleURI} scored 0` } : {}),
        }),
      );
    }
  }

  async function decide(req: AllocationRequest, mode: TBlockMode): Promise<TAllocationDecision> {
    const { values } = req;
    const policies = asObject(req.doc.policies);
    const ca = policyRef(policies, "clusterAllocator");
    const ra = policyRef(policies, "resourceAllocator");
    const { cluster: _cluster, ...doc } = req.doc;
    const blockData: TPolicyBlock = {
      ...doc,
      id: req.blockId,
      blockComponentURI: values.blockComponentURI,
      minInstances: values.minInstances,
      maxInstances: values.maxInstances,
      tags: req.componentTags,
    };
    const decision = (
      entries: Entry[],
      chosen: string | null,
      chosenBy: TAllocationDecision["chosenBy"],
    ) => ({
      blockId: req.blockId,
      mode,
      clusterId: chosen,
      chosenBy: chosen ? chosenBy : null,
      policies: { clusterAllocator: ca?.policyRuleURI ?? null, resourceAllocator: ra?.policyRuleURI ?? null },
      candidates: entries.map((e) => ({
        clusterId: e.candidate.cluster.id,
        outcome: e.candidate.cluster.id === chosen ? ("chosen" as const) : e.outcome,
        score: e.score,
        ...(e.nodeInfo ? { nodeInfo: e.nodeInfo } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
        metrics: e.candidate.metrics,
      })),
    });

    // The spec names the cluster: it is the choice (beyond the original), scored only to show it.
    if (values.clusterId) {
      const [named] = await loadCandidates(db, [values.clusterId]);
      if (!named) throw new NotFoundError("cluster", values.clusterId, "clusterId");
      const entries: Entry[] = [{ candidate: named, outcome: "selected", score: null }];
      if (mode === "dry_run") await score(entries, req, blockData, ra);
      return decision(entries, named.cluster.id, "spec");
    }

    const all = await loadCandidates(db, null);
    let remaining = all;
    const dropped: Entry[] = [];
    const filter = ca?.parameters.filter;
    const { filter: _filter, ...caParameters } = ca?.parameters ?? {};
    if (ca && filter !== undefined) {
      const parsed = ZFilterQuery.safeParse(filter);
      if (!parsed.success) throw UserError.fromIssues(fieldIssues(parsed.error, "", FILTER_FIELD.split(".")));
      const keys = new Set(await searchKeys(db, "clusters", parsed.data, { limit: 10_000 }));
      remaining = all.filter((c) => keys.has(c.cluster.id));
      for (const c of all.filter((c) => !keys.has(c.cluster.id))) {
        dropped.push({
          candidate: c,
          outcome: "filtered_out",
          score: null,
          reason: `filtered out by ${FILTER_FIELD}`,
        });
      }
    }

    let selected = remaining;
    if (ca && remaining.length > 0) {
      const r = await run(
        ca,
        "clusterAllocator",
        "selection",
        { action: "selection", filterResult: remaining.map(asPolicyCandidate), blockData },
        caParameters,
      );
      if (!r.ok) failed(r.message);
      const out = ZClusterSelectionOutput.safeParse(r.output);
      if (!out.success) failed(`clusterAllocator ${ca.policyRuleURI} (selection) answered no clusters list`);
      const byId = new Map(remaining.map((c) => [c.cluster.id, c]));
      const ids = [...new Set(out.data.clusters.map((c) => c.id))];
      const unknown = ids.filter((id) => !byId.has(id));
      if (unknown.length > 0) {
        failed(
          `clusterAllocator ${ca.policyRuleURI} (selection) chose ${unknown.join(", ")}, not among the candidates (${[...byId.keys()].join(", ") || "none"})`,
        );
      }
      selected = ids.map((id) => byId.get(id) as ClusterCandidate);
      for (const c of remaining.filter((c) => !ids.includes(c.cluster.id))) {
        dropped.push({
          candidate: c,
          outcome: "not_selected",
          score: null,
          reason: `not selected by clusterAllocator ${ca.policyRuleURI}`,
        });
      }
    }
    const entries: Entry[] = selected.map((c) => ({ candidate: c, outcome: "selected", score: null }));
    if (mode === "select_clusters") return decision([...entries, ...dropped], null, null);

    await score(entries, req, blockData, ra);
    const ranked = [...entries].sort(
      (a, b) =>
        (b.score ?? 0) - (a.score ?? 0) || a.candidate.cluster.id.localeCompare(b.candidate.cluster.id),
    );
    const listed = [...ranked, ...dropped];
    if (ca && entries.length > 0) {
      const r = await run(
        ca,
        "clusterAllocator",
        "post_dry_run",
        {
          action: "post_dry_run",
          clusters: entries.map((e) => ({
            id: e.candidate.cluster.id,
            cluster: asPolicyCandidate(e.candidate),
            scoreData: { score: e.score ?? 0, ...(e.nodeInfo ? { nodeInfo: e.nodeInfo } : {}) },
            blockData,
          })),
        },
        caParameters,
      );
      // Refusing to pick (a throw) is the policy's way to say nothing fits: its reason is kept.
      if (!r.ok) return { ...decision(listed, null, null), reason: r.message };
      const out = ZClusterPostDryRunOutput.safeParse(r.output);
      const chosen = out.success ? entries.find((e) => e.candidate.cluster.id === out.data.id) : undefined;
      if (!chosen) {
        failed(
          `clusterAllocator ${ca.policyRuleURI} (post_dry_run) chose ${out.success ? JSON.stringify(out.data.id) : "nothing"}, not one of the scored clusters (${entries.map((e) => e.candidate.cluster.id).join(", ")})`,
        );
      }
      if (!chosen.score) {
        return {
          ...decision(listed, null, null),
          reason: `clusterAllocator ${ca.policyRuleURI} (post_dry_run) chose ${chosen.candidate.cluster.id}, which scored 0`,
        };
      }
      return decision(listed, chosen.candidate.cluster.id, "policy");
    }
    const best = ranked[0];
    if (!best?.score) {
      return { ...decision(listed, null, null), ...(all.length ? {} : { reason: "no live cluster" }) };
    }
    return decision(listed, best.candidate.cluster.id, "score");
  }

  return {
    decide,

    /**
     * For `allocate`: the chosen cluster, or a ConflictError naming every cluster considered and why
     * it was not taken.
     */
    async choose(req: AllocationRequest): Promise<TAllocationDecision & { clusterId: string }> {
      const d = await decide(req, "allocate");
      if (d.clusterId) return d as TAllocationDecision & { clusterId: string };
      throw new ConflictError(nothingFits(d));
    },

    /** `allocator.dryRun`: what createBlock with mode dry_run answers, for a block spec. Stores nothing. */
    async dryRun(values: TBlockSpec): Promise<TAllocationDecision> {
      const component = await db.component.findUnique({ where: { componentURI: values.blockComponentURI } });
      if (!component)
        throw new NotFoundError("component", values.blockComponentURI, "spec.blockComponentURI");
      const blockId = values.blockId ?? newBlockId();
      const doc = blockDocument(blockId, values, asObject(component.doc), values.clusterId ?? "");
      await checkBlockPolicyValues(db, values, asObject(doc.policies));
      return decide(
        { blockId, values, doc, componentDoc: component.doc, componentTags: component.tags },
        "dry_run",
      );
    },
  };
}

function scoredEntry(s: {
  score: number;
  nodeInfo?: { nodeId: string; gpus?: number[] | undefined };
  reason?: string;
}) {
  return {
    outcome: s.score > 0 ? ("scored" as const) : ("no_fit" as const),
    score: s.score,
    ...(s.nodeInfo ? { nodeInfo: s.nodeInfo } : {}),
    ...(s.score > 0 ? {} : { reason: s.reason ?? "scored 0" }),
  };
}

/** "no cluster can run block b: c1: scored 0 (no node); c2: filtered out by …". */
export function nothingFits(d: TAllocationDecision & { reason?: string }): string {
  const each = d.candidates.map((c) =>
    c.outcome === "no_fit"
      ? `${c.clusterId}: scored 0 (${c.reason ?? "no fit"})`
      : `${c.clusterId}: ${c.reason ?? c.outcome}`,
  );
  const parts = [...each, ...(d.reason ? [d.reason] : [])];
  return `no cluster can run block ${d.blockId}: ${parts.join("; ") || "no live cluster"}`;
}

export type AllocatorService = ReturnType<typeof createAllocatorService>;
