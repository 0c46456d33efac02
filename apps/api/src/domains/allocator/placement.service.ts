import {
  fieldIssues,
  issuesLine,
  newInstanceId,
  type TPolicyCallResult,
  ZResourcePlacementOutput,
} from "@aios/contracts";
import { type Db, type Prisma, type Sql, sqlOf } from "@aios/db";
import { NotFoundError } from "../../errors";
import { policyBlock } from "../gateway/pre-check-inputs";
import { asObject } from "../registry/doc";
import type { ExecutePolicy } from "./allocator.service";
import { NEEDS_KUBERNETES, nodeRunsComponent } from "./component-driver";
import { bestNode, type NodeScore, pickVictims, scoreNodes, shortOf, takeRoom } from "./node-placement";
import { createPlacementBatches } from "./placement-batch";
import { loadPlacementContext, type NodeRow, type PlacementContext, policyNode } from "./placement-context";
import type { PlacementAction, PlacementOutcome, PlacementRequest } from "./placement-types";
import { type PlacementWrites, writePlacements } from "./placement-writes";

/** How long a node's agent may be silent before the node is lost (AIOS_NODE_LOST_SECONDS). */
export const DEFAULT_NODE_LOST_SECONDS = 30;

type BlockRow = Prisma.BlockGetPayload<object>;

export type { PlacementAction, PlacementOutcome, PlacementRequest } from "./placement-types";

export interface PlacementDeps {
  db: Db;
  /** The central executor, for the block's resourceAllocator policy. */
  executePolicy: ExecutePolicy;
  /** A node whose agent was not heard from for this long cannot take new work. */
  nodeLostSeconds: number;
}

/**
 * Placement inside a block's cluster: which node runs the block's executor, and which node and
 * GPUs each instance gets. Decided here, in one transaction with the block's row locked, so no two
 * agents ever race for a workload: an agent runs exactly what is placed on its node. New instances
 * are placed by the block's `resourceAllocator` policy (`allocation` at creation, `scale` later,
 * `reassignment` for an instance of a lost node) or by the built-in scorer (node-placement.ts).
 */
export function createPlacementService(deps: PlacementDeps) {
  const { db } = deps;

  const liveSince = () => new Date(Date.now() - deps.nodeLostSeconds * 1000);

  /** One new instance's node and GPUs: the block's resourceAllocator policy, else the built-in scorer. */
  async function choose(
    ctx: PlacementContext,
    action: PlacementAction,
    instanceId: string | null,
  ): Promise<{ nodeId: string; gpus: number[] } | { problem: string }> {
    const ref = asObject(asObject(asObject(ctx.block.doc).policies).resourceAllocator);
    if (typeof ref.policyRuleURI !== "string" || ref.policyRuleURI === "") {
      const scores = scoreNodes(ctx.rooms, ctx.needs);
      const best = bestNode(scores);
      if (best) return { nodeId: best.nodeId, gpus: best.gpus };
      return { problem: `no node can take an instance: ${refusals(ctx, scores)}` };
    }
    const at = `resourceAllocator ${ref.policyRuleURI} (${action})`;
    const payload = {
      block: policyBlock(ctx.block),
      cluster: ctx.cluster,
      nodes: ctx.nodes.map((n) =>
        policyNode(
          n,
          ctx.rooms.find((r) => r.nodeId === n.id),
        ),
      ),
      healthyNodes: ctx.nodes.map((n) => n.id),
      instances: ctx.instances,
      ...(instanceId ? { instanceId } : {}),
    };
    let r: TPolicyCallResult;
    try {
      r = await deps.executePolicy(
        ref.policyRuleURI,
        { action, payload },
        { settings: asObject(ref.settings), parameters: asObject(ref.parameters) },
        // Built here from the cluster's rows: not checked again against the kind's input schema.
        { trustedInput: true },
      );
    } catch (err) {
      return { problem: `${at}: ${(err as Error).message}` };
    }
    if (!r.ok) return { problem: `${at} failed (${r.error?.kind ?? "error"}): ${r.error?.message ?? ""}` };
    const out = ZResourcePlacementOutput.safeParse(r.output);
    if (!out.success) {
      return { problem: `${at} answered no placement: ${issuesLine(fieldIssues(out.error, "(output)"))}` };
    }
    const node = ctx.nodes.find((n) => n.id === out.data.nodeId);
    if (!node) {
      return {
        problem: `${at} chose node ${out.data.nodeId}, which is not a live node of cluster ${ctx.cluster.id}${ctx.onlyFromImage ? " of the kubernetes driver" : ""} (${ctx.nodes.map((n) => n.id).join(", ") || "none"})`,
      };
    }
    const gpus = out.data.gpus ?? [];
    const unknown = gpus.filter((g) => !node.gpus.some((x) => x.index === g));
    if (unknown.length > 0) {
      return { problem: `${at} chose GPU(s) ${unknown.join(", ")}, which node ${node.id} does not have` };
    }
    // The policy picks; what the component states it needs must still fit there.
    const room = ctx.rooms.find((r) => r.nodeId === node.id);
    const short = room ? shortOf(room, ctx.needs, gpus) : [];
    if (short.length > 0) {
      return {
        problem: `${at} chose node ${node.id}${gpus.length ? ` GPU(s) ${gpus.join(",")}` : ""}, where the instance does not fit: ${short.join("; ")}`,
      };
    }
    return { nodeId: node.id, gpus };
  }

  /**
   * A placement pass for a block over what its cluster holds (`ctx`, read under the cluster's
   * placement lock with the block's row locked): instances of lost nodes go (and are placed again:
   * `reassignment`), replaced ones are stopped and placed again, a scale-down marks its victims
   * `removing` (their node stops them), missing instances are placed, and the executor gets a live
   * node. Writes nothing: the caller writes `writes` (placement-writes.ts) in its transaction.
   */
  async function plan(
    ctx: PlacementContext,
    block: BlockRow,
    req: PlacementRequest = {},
  ): Promise<{ outcome: PlacementOutcome; writes: PlacementWrites }> {
    const nodesTouched = new Set<string>();
    const runtime = asObject(asObject(block.doc).runtime);
    const revision = typeof runtime.revision === "number" ? runtime.revision : 0;
    const count = req.desiredInstances ?? block.desiredInstances;
    const writes: PlacementWrites = { blockId: block.id, deleted: [], stopped: [], placed: [], block: null };
    const live = new Set(ctx.nodes.map((n) => n.id));
    const rows = ctx.rows;
    let changed = false;
    const reassign: string[] = [];
    // A lost node's instances are gone with it (it stops them itself if it comes back).
    const gone = rows.filter((r) => !r.nodeId || ctx.lost.has(r.nodeId));
    if (gone.length > 0) {
      writes.deleted.push(...gone.map((r) => r.id));
      reassign.push(...gone.filter((r) => r.status !== "removing").map((r) => r.id));
      changed = true;
    }
    let active = rows.filter((r) => !gone.includes(r) && r.status !== "removing");
    const stop = (ids: string[]) => {
      if (ids.length === 0) return;
      writes.stopped.push(...ids);
      for (const r of active.filter((r) => ids.includes(r.id))) if (r.nodeId) nodesTouched.add(r.nodeId);
      active = active.filter((r) => !ids.includes(r.id));
      changed = true;
    };
    const replaced = (req.replace ?? []).filter((id) => active.some((r) => r.id === id));
    stop(replaced);
    reassign.push(...replaced);
    const desired = block.status === "removing" || block.status === "removed" ? 0 : count;
    if (active.length > desired) {
      const named = (req.victims ?? []).filter((id) => active.some((r) => r.id === id));
      const first = named.slice(0, active.length - desired);
      const rest = active.filter((r) => !first.includes(r.id));
      stop([...first, ...pickVictims(rest, active.length - desired - first.length)]);
    }
    let problem: string | null = null;
    // Before its first placement a block has no instance and no executor node: that is `allocation`.
    const everPlaced = rows.length > 0 || block.executorNodeId !== null;
    while (active.length < desired) {
      const lost = reassign.shift() ?? null;
      const action: PlacementAction = lost ? "reassignment" : everPlaced ? "scale" : "allocation";
      const choice = await choose(ctx, action, lost);
      if ("problem" in choice) {
        problem = choice.problem;
        break;
      }
      const id = uniqueInstanceId(new Set([...rows.map((r) => r.id), ...active.map((r) => r.id)]));
      writes.placed.push({ id, nodeId: choice.nodeId, gpus: choice.gpus });
      takeRoom(ctx.rooms, choice.nodeId, choice.gpus, ctx.needs);
      ctx.instances.push({ id, nodeId: choice.nodeId, status: "placed", gpus: choice.gpus });
      active.push({ ...placedRow(block.id, id, choice), createdAt: new Date(), updatedAt: new Date() });
      nodesTouched.add(choice.nodeId);
      changed = true;
    }
    let executorNodeId = block.executorNodeId;
    if (desired > 0 && (!executorNodeId || !live.has(executorNodeId))) {
      const next = executorNode(ctx, active);
      if (next !== executorNodeId) {
        if (executorNodeId) nodesTouched.add(executorNodeId);
        executorNodeId = next;
        if (next) nodesTouched.add(next);
        changed = true;
      }
    }
    const before = typeof runtime.placementProblem === "string" ? runtime.placementProblem : null;
    if (req.bump) changed = true;
    if (!changed && before === problem && count === block.desiredInstances) {
      return { outcome: { changed, nodes: [], revision, problem }, writes };
    }
    const next = changed ? revision + 1 : revision;
    const doc = {
      ...asObject(block.doc),
      runtime: { ...runtime, revision: next, placementProblem: problem },
    };
    writes.block = { executorNodeId, doc, desiredInstances: count };
    // The executor's node takes the new instance list from the placement.
    if (changed && executorNodeId) nodesTouched.add(executorNodeId);
    return { outcome: { changed, nodes: [...nodesTouched], revision: next, problem }, writes };
  }

  /**
   * Brings the block's placement to its desired state inside the caller's transaction, with the
   * block's row locked: the cluster's placement lock, one query of what the pass works from
   * (`plan`), one statement of writes.
   */
  async function place(sql: Sql, block: BlockRow, req: PlacementRequest = {}): Promise<PlacementOutcome> {
    if (!block.clusterId) return unplaced(block);
    const count = req.desiredInstances ?? block.desiredInstances;
    const ctx = await loadPlacementContext(
      sql,
      { ...block, desiredInstances: count },
      block.clusterId,
      liveSince(),
    );
    const { outcome, writes } = await plan(ctx, block, req);
    await writePlacements(sql, [writes]);
    return outcome;
  }

  /**
   * Every live node of the block's cluster with the score the next instance would get, or why it
   * is refused; with a resourceAllocator policy, its own choice for the next instance too.
   */
  async function dryRun(block: BlockRow) {
    if (!block.clusterId) return { blockId: block.id, clusterId: null, nodes: [], choice: null };
    const ctx = await loadPlacementContext(sqlOf(db), block, block.clusterId, liveSince());
    const all = await db.node.findMany({ where: { clusterId: block.clusterId }, orderBy: { id: "asc" } });
    const scores = new Map(scoreNodes(ctx.rooms, ctx.needs).map((s) => [s.nodeId, s]));
    const choice = await choose(ctx, "scale", null);
    return {
      blockId: block.id,
      clusterId: block.clusterId,
      nodes: all.map((n) => {
        const s = scores.get(n.id);
        const room = ctx.rooms.find((r) => r.nodeId === n.id);
        return {
          nodeId: n.id,
          status: n.status,
          score: s?.score ?? 0,
          gpus: s?.gpus ?? [],
          ...(s?.reason ? { reason: s.reason } : {}),
          ...(!s ? { reason: notPlaceableReason(n, ctx.onlyFromImage, deps.nodeLostSeconds) } : {}),
          ...(room
            ? {
                free: {
                  vcpus: room.freeVcpus,
                  memoryMb: room.freeMemoryMb,
                  gpus: room.gpus.map((g) => ({
                    index: g.index,
                    freeMemoryMb: g.freeMemoryMb,
                    whole: g.whole,
                  })),
                },
              }
            : {}),
        };
      }),
      choice: "problem" in choice ? { problem: choice.problem } : choice,
    };
  }

  const batches = createPlacementBatches({ db, plan, liveSince, unplaced });

  return {
    place,
    /**
     * Sets the block's desired count (`want` of the locked row: it may throw to refuse; null leaves
     * the block as it is) and places to match; with `want` omitted, places to the count it has. Many
     * at once share a transaction (placement-batch.ts). The caller tells the nodes concerned (the
     * outcome's `nodes`) after the commit.
     */
    resize: batches.resize,
    dryRun,
    /** `allocator.placement`: the dry run for a block by id (a removed or unknown one is not found). */
    async dryRunBlock(blockId: string) {
      const block = await db.block.findUnique({ where: { id: blockId } });
      if (!block || block.status === "removed") throw new NotFoundError("block", blockId, "blockId");
      return dryRun(block);
    },
  };
}

/** The node for a block's executor: the live node holding most of its instances (ties by id). */
function executorNode(ctx: { nodes: NodeRow[] }, active: Array<{ nodeId: string | null }>): string | null {
  const counts = new Map(ctx.nodes.map((n) => [n.id, 0]));
  for (const r of active)
    if (r.nodeId && counts.has(r.nodeId)) counts.set(r.nodeId, (counts.get(r.nodeId) ?? 0) + 1);
  const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return best?.[0] ?? null;
}

function refusals(ctx: { nodes: NodeRow[]; onlyFromImage: boolean }, scores: NodeScore[]): string {
  if (ctx.nodes.length === 0 && ctx.onlyFromImage) {
    return `the cluster has no live node of the kubernetes driver: ${NEEDS_KUBERNETES}`;
  }
  if (ctx.nodes.length === 0) return "the cluster has no live node (no agent heartbeats)";
  return scores.map((s) => `${s.nodeId}: ${s.reason ?? "scored 0"}`).join("; ");
}

function notPlaceableReason(
  n: { status: string; lastSeenAt: Date | null; doc: unknown },
  onlyFromImage: boolean,
  graceSeconds: number,
): string {
  if (!nodeRunsComponent(n.doc, onlyFromImage)) return `runs the process driver: ${NEEDS_KUBERNETES}`;
  if (n.status === "lost") return "lost: its agent stopped heartbeating";
  if (!n.lastSeenAt) return "no agent has joined as this node";
  return `its agent was last heard ${Math.round((Date.now() - n.lastSeenAt.getTime()) / 1000)} s ago (over ${graceSeconds} s)`;
}

/** The outcome of a block in no cluster: nothing placed. */
function unplaced(block: BlockRow): PlacementOutcome {
  const revision = asObject(asObject(block.doc).runtime).revision;
  return { changed: false, nodes: [], revision: typeof revision === "number" ? revision : 0, problem: null };
}

function placedRow(blockId: string, id: string, choice: { nodeId: string; gpus: number[] }) {
  return {
    id,
    blockId,
    nodeId: choice.nodeId,
    gpus: choice.gpus,
    status: "placed",
    endpoint: null,
    dataToken: null,
  };
}

function uniqueInstanceId(taken: Set<string>): string {
  for (;;) {
    const id = newInstanceId();
    if (!taken.has(id)) return id;
  }
}

export type PlacementService = ReturnType<typeof createPlacementService>;
