import type { TBlockMetrics, TPolicyRuleRef, TVdagSpec } from "@aios/contracts";
import type { Db } from "@aios/db";
import { NotFoundError, UserError } from "../../errors";
import { toBlockRecord } from "../blocks/block.service";
import { checkPolicyValues } from "../policies/policy-contract";
import { asObject } from "../registry/doc";
import { createRanking, type ExecutePolicy, rankingRuleOf } from "../registry/ranking";
import { inKeyOrder, searchKeys } from "../registry/search";

const NODES = "body.spec.values.nodes";

/** What each node of a vDAG is served by: a block, or (nested) another vDAG. */
export type TAssignment = Record<string, { blockId: string; by: "manual" | "policy" } | { vdagURI: string }>;

export interface CompileDeps {
  db: Db;
  /** Runs a stored policy centrally (the API's policy executor). */
  executePolicy: ExecutePolicy;
}

/**
 * Gives every node its block: `manualBlockId` wins (it must exist and not be removed); else the
 * assignment policy picks one among the running blocks its `parameters.filterRule` matches, ranked
 * first (best first, some maybe dropped) by the ranking policy its `parameters.rankingPolicyRule`
 * names, if any: the original's assignment through the search server. A nested vDAG node must name
 * a vDAG that was compiled. Errors name the node's field.
 */
export async function assignNodes(
  deps: CompileDeps,
  vdagURI: string,
  values: TVdagSpec,
): Promise<TAssignment> {
  const out: TAssignment = {};
  const ranking = createRanking(deps);
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
    // The policy gets its parameters without the filter and the ranking, which the API runs itself.
    const { filterRule: _filter, rankingPolicyRule: rankingGiven, ...parameters } = asObject(rule.parameters);
    const rankingField = `${at}.assignmentPolicyRule.parameters.rankingPolicyRule`;
    const rankingRule = rankingGiven === undefined ? null : rankingRuleOf(rankingGiven, rankingField);
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
    if (rankingRule) await ranking.check(rankingRule, rankingField);
    const keys = filter
      ? await searchKeys(deps.db, "blocks", filter as never, { limit: 200 })
      : (await deps.db.block.findMany({ select: { id: true }, take: 200, orderBy: { id: "asc" } })).map(
          (b) => b.id,
        );
    const rows = inKeyOrder(
      keys,
      await deps.db.block.findMany({ where: { id: { in: keys }, status: "running" } }),
      (b) => b.id,
    );
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
    const matched = rows.map((r) => {
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
    const candidates = rankingRule
      ? await ranking.rank(
          {
            registry: "blocks",
            query: filter,
            rows: matched,
            truncated: false,
            rule: rankingRule,
            field: rankingField,
          },
          true,
        )
      : matched;
    if (candidates.length === 0) {
      throw UserError.field(
        rankingField,
        `the ranking policy ${rankingRule?.policyRuleURI} dropped every block matching node ${v.nodeLabel}'s filterRule`,
      );
    }
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
    if (!candidates.some((c) => c.id === blockId)) {
      throw UserError.field(
        `${at}.assignmentPolicyRule`,
        `the assignment policy chose ${blockId}, which is not among the ${candidates.length} candidate block(s)`,
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
