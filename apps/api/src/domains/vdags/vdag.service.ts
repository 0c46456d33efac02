import { EventEmitter } from "node:events";
import {
  formatVdagUri,
  newVdagControllerId,
  type TFilterQuery,
  type TVdagPlan,
  type TVdagRecord,
  type TVdagSpec,
  ZVdagPlan,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Principal } from "../../auth/principal";
import { ConflictError, NotFoundError, UserError } from "../../errors";
import { DEFAULT_CLUSTER_ID } from "../blocks/block.service";
import type { PreCheckService } from "../gateway/pre-check.service";
import { clusterData } from "../gateway/pre-check-inputs";
import type { WebhookSecrets } from "../quality/webhook-secrets.service";
import type { WebhookTargets } from "../quality/webhook-targets";
import type { ClusterQueues } from "../queues/cluster-queues";
import { asObject, sameDoc } from "../registry/doc";
import { inKeyOrder, type PageInput, searchKeys } from "../registry/search";
import { analyseGraph } from "./graph";
import { assignNodes, type CompileDeps } from "./vdag-assignment";
import { compilePlan } from "./vdag-compiler";
import { controllerPolicies, loadPlanInputs } from "./vdag-policies";

type VdagRow = Prisma.VdagGetPayload<object>;

export function toVdagRecord(row: VdagRow): TVdagRecord {
  return {
    vdagURI: row.vdagURI,
    vdagName: row.vdagName,
    version: row.version,
    releaseTag: row.releaseTag,
    status: row.status,
    doc: asObject(row.doc),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The original replaced a vDAG whose earlier create had not gone through; an assigned one is kept. */
const REPLACEABLE = new Set(["pending", "failed", "removed"]);

/** Statuses of a vDAG whose controller is placed (the Master DAG's members). */
export const SERVING = ["assigned", "active", "unhealthy"] as const;

/** A vDAG's status changed (for live views: `vdags.onStatus`). */
export interface VdagStatusEvent {
  vdagURI: string;
  status: string;
  reason: string;
  at: string;
}

/** Tells the live views (`vdags.onStatus`) that a vDAG's status changed. */
export function emitVdagStatus(events: EventEmitter, vdagURI: string, status: string, reason: string) {
  events.emit("status", { vdagURI, status, reason, at: new Date().toISOString() } satisfies VdagStatusEvent);
}

const WEBHOOK_URL = "body.spec.values.controller.qualityChecker.webhook.url";

function checkWebhook(values: TVdagSpec, targets: Pick<WebhookTargets, "refusal"> | undefined): void {
  const url = values.controller?.qualityChecker?.webhook?.url;
  const refusal = url && targets?.refusal(url);
  if (refusal) throw UserError.field(WEBHOOK_URL, refusal);
}

export function createVdagService(
  deps: CompileDeps & {
    queues: ClusterQueues;
    preChecks: PreCheckService;
    events?: EventEmitter;
    /** Makes the webhook secret of a vDAG whose qualityChecker has a webhook. */
    webhookSecrets?: Pick<WebhookSecrets, "ensure">;
    /** Refuses a webhook the API will not post to (a loopback, private or link-local address). */
    webhookTargets?: Pick<WebhookTargets, "refusal">;
  },
) {
  const { db, queues } = deps;
  const events = deps.events ?? new EventEmitter();
  const emit = (vdagURI: string, status: string, reason: string) =>
    emitVdagStatus(events, vdagURI, status, reason);
  const controllerCluster = (values: TVdagSpec, plan: TVdagPlan) => controllerClusterOf(db, values, plan);
  return {
    /** Status changes as they happen ("status" events of VdagStatusEvent). */
    events,

    async list(page: PageInput = {}) {
      const rows = await db.vdag.findMany({
        orderBy: { vdagURI: "asc" },
        take: page.limit ?? 100,
        skip: page.offset ?? 0,
      });
      return rows.map(toVdagRecord);
    },

    async get(vdagURI: string) {
      const row = await db.vdag.findUnique({ where: { vdagURI } });
      if (!row) throw new NotFoundError("vDAG", vdagURI);
      return toVdagRecord(row);
    },

    async search(filter: TFilterQuery, page: PageInput = {}) {
      const keys = await searchKeys(db, "vdags", filter, page);
      const rows = await db.vdag.findMany({ where: { vdagURI: { in: keys } } });
      return inKeyOrder(keys, rows, (r) => r.vdagURI).map(toVdagRecord);
    },

    /**
     * `createvDAG`. `validateGraph`: the graph's analysis (acyclic, heads, tails; nested vDAGs known).
     * `dryRunAssignment`: also each node's block. `dryRun`: also the compiled plan. `create`: all of
     * it stored as `assigned`, then a controller is placed on a cluster (the vDAG becomes `active`
     * when it runs there), after the add_vdag_controller pre-check of that cluster (else the
     * network's). Nothing is stored unless every step succeeded.
     */
    async createFromSpec(values: TVdagSpec, actor: Principal | null = null) {
      const vdagURI = formatVdagUri({
        name: values.vdagName,
        version: values.vdagVersion.version,
        releaseTag: values.vdagVersion["release-tag"],
      });
      const shape = analyseGraph(values);
      checkWebhook(values, deps.webhookTargets);
      const existing = await db.vdag.findUnique({ where: { vdagURI } });
      if (values.mode === "create" && existing && !REPLACEABLE.has(existing.status)) {
        const {
          vdagURI: _u,
          graphShape: _g,
          assignment: _a,
          controllerConfig: _c,
          statusReason: _r,
          history: _h,
          ...stored
        } = asObject(existing.doc);
        // The same spec again (a replayed apply, a restart's bootstrap) changes nothing.
        if (sameDoc(stored, values)) {
          const vdag = toVdagRecord(existing);
          return { vdagURI, created: false, graph: shape, vdag, assignment: null, plan: null };
        }
        throw new ConflictError(`vDAG ${vdagURI} exists and is ${existing.status}; publish a new version`);
      }
      const assignment = await assignNodes(deps, vdagURI, values);
      if (values.mode === "validateGraph")
        return { vdagURI, created: false, graph: shape, vdag: null, assignment: null, plan: null };
      if (values.mode === "dryRunAssignment")
        return { vdagURI, created: false, graph: shape, vdag: null, assignment, plan: null };
      const plan = compilePlan(vdagURI, values, assignment, await loadPlanInputs(db, values, assignment));
      const controller = await controllerPolicies(db, values);
      if (values.mode === "dryRun")
        return { vdagURI, created: false, graph: shape, vdag: null, assignment, plan };

      const clusterId = await controllerCluster(values, plan);
      const data = {
        vdagName: values.vdagName,
        version: values.vdagVersion.version,
        releaseTag: values.vdagVersion["release-tag"],
        status: "assigned",
        tags: values.discoveryTags ?? [],
        compiled: plan as unknown as Prisma.InputJsonValue,
        doc: {
          ...values,
          vdagURI,
          graphShape: shape,
          assignment,
          controllerConfig: controller,
        } as unknown as Prisma.InputJsonValue,
      };
      const controllerId = newVdagControllerId();
      await deps.preChecks.check(
        {
          action: "add_vdag_controller",
          clusterData: await clusterData(db, clusterId),
          input: {
            vdagControllerId: controllerId,
            vdagURI,
            config: { ...(controller as unknown as Record<string, unknown>) },
          },
        },
        { clusterId, actor, target: vdagURI },
      );
      // Before anything is stored: without AIOS_SECRETS_KEY there is no secret, and no vDAG.
      const qualityWebhookSecret =
        values.controller?.qualityChecker?.webhook && deps.webhookSecrets
          ? await deps.webhookSecrets.ensure(vdagURI)
          : null;
      const row = await db.$transaction(async (tx) => {
        await tx.vdagController.deleteMany({ where: { vdagURI } });
        const row = await tx.vdag.upsert({ where: { vdagURI }, create: { vdagURI, ...data }, update: data });
        await tx.vdagController.create({
          data: { id: controllerId, vdagURI, clusterId, status: "pending", doc: { revision: 1 } },
        });
        return row;
      });
      await queues.enqueue(clusterId, { type: "vdag.reconcile", controllerId, revision: 1 });
      emit(vdagURI, "assigned", `controller ${controllerId} placed on cluster ${clusterId}`);
      // The webhook secret is shown here once (an admin reads it again: quality.webhookSecret).
      const vdag = toVdagRecord(row);
      return {
        vdagURI,
        created: !existing,
        graph: shape,
        vdag: qualityWebhookSecret ? { ...vdag, qualityWebhookSecret } : vdag,
        assignment,
        plan,
      };
    },

    /**
     * Stops the vDAG's controller, after the remove_vdag_controller pre-check of each controller's
     * cluster (else the network's); the vDAG stays, `removed`, for its history and traces.
     */
    async remove(vdagURI: string, actor: Principal | null = null) {
      const row = await db.vdag.findUnique({ where: { vdagURI }, include: { controllers: true } });
      if (!row || row.status === "removed") throw new NotFoundError("vDAG", vdagURI);
      const users = await db.vdag.findMany({
        where: { status: { in: [...SERVING] }, NOT: { vdagURI } },
        select: { vdagURI: true, doc: true },
      });
      const user = users.find((u) =>
        Object.values(asObject(asObject(u.doc).assignment)).some((a) => asObject(a).vdagURI === vdagURI),
      );
      if (user) throw new ConflictError(`vDAG ${user.vdagURI} uses ${vdagURI} as a node; remove it first`);
      // Every controller's pre-check before any change: one denial leaves all of them running.
      for (const c of row.controllers.filter((x) => x.status !== "removed")) {
        const clusterId = c.clusterId ?? DEFAULT_CLUSTER_ID;
        await deps.preChecks.check(
          {
            action: "remove_vdag_controller",
            clusterData: await clusterData(db, clusterId),
            input: { vdagControllerId: c.id, vdagURI },
          },
          { clusterId, actor, target: vdagURI },
        );
      }
      await db.vdag.update({ where: { vdagURI }, data: { status: "removed" } });
      emit(vdagURI, "removed", "removal requested");
      for (const c of row.controllers) {
        const revision = ((asObject(c.doc).revision as number | undefined) ?? 1) + 1;
        await db.vdagController.update({
          where: { id: c.id },
          data: { status: "removing", doc: { ...asObject(c.doc), revision } },
        });
        await queues.enqueue(c.clusterId ?? "local", {
          type: "vdag.reconcile",
          controllerId: c.id,
          revision,
        });
      }
    },

    async plan(vdagURI: string): Promise<TVdagPlan | null> {
      const row = await db.vdag.findUnique({ where: { vdagURI } });
      if (!row) throw new NotFoundError("vDAG", vdagURI);
      const plan = ZVdagPlan.safeParse(row.compiled);
      return plan.success ? plan.data : null;
    },

    /**
     * The Master DAG: every serving vDAG superimposed over the blocks. Nodes are blocks (with the
     * vDAGs and node labels they serve); an edge joins two blocks when a vDAG sends data between them.
     */
    async masterDag() {
      const rows = await db.vdag.findMany({
        where: { status: { in: [...SERVING] } },
        orderBy: { vdagURI: "asc" },
      });
      const nodes = new Map<string, { blockId: string; vdags: Set<string>; nodeLabels: Set<string> }>();
      const edges = new Map<string, { from: string; to: string; vdags: Set<string> }>();
      for (const row of rows) {
        const plan = ZVdagPlan.safeParse(row.compiled);
        if (!plan.success) continue;
        for (const step of Object.values(plan.data.nodes)) {
          const n = nodes.get(step.blockId) ?? {
            blockId: step.blockId,
            vdags: new Set(),
            nodeLabels: new Set(),
          };
          n.vdags.add(row.vdagURI);
          n.nodeLabels.add(`${row.vdagURI}#${step.label}`);
          nodes.set(step.blockId, n);
          for (const next of step.next) {
            const to = plan.data.nodes[next]?.blockId;
            if (!to) continue;
            const key = `${step.blockId}->${to}`;
            const e = edges.get(key) ?? { from: step.blockId, to, vdags: new Set() };
            e.vdags.add(row.vdagURI);
            edges.set(key, e);
          }
        }
      }
      return {
        vdags: rows.map((r) => r.vdagURI),
        nodes: [...nodes.values()].map((n) => ({
          blockId: n.blockId,
          vdags: [...n.vdags].sort(),
          nodeLabels: [...n.nodeLabels].sort(),
        })),
        edges: [...edges.values()].map((e) => ({ from: e.from, to: e.to, vdags: [...e.vdags].sort() })),
      };
    },
  };
}

/** Where the controller runs: the spec's `controller.clusterId`, else the first head's block's cluster. */
async function controllerClusterOf(db: Db, values: TVdagSpec, plan: TVdagPlan): Promise<string> {
  const named = values.controller?.clusterId;
  if (named) {
    if (!(await db.cluster.findUnique({ where: { id: named } })))
      throw new NotFoundError("cluster", named, "body.spec.values.controller.clusterId");
    return named;
  }
  const head = plan.nodes[plan.heads[0] ?? ""];
  const block = head ? await db.block.findUnique({ where: { id: head.blockId } }) : null;
  return block?.clusterId ?? DEFAULT_CLUSTER_ID;
}

export type VdagService = ReturnType<typeof createVdagService>;
