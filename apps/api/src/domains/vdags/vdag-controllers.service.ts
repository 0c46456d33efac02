import type { EventEmitter } from "node:events";
import {
  type TQualitySample,
  type TVdagControllerConfig,
  type TVdagControllerStatus,
  ZVdagControllerConfig,
  ZVdagPlan,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";
import type { WorkloadTargets } from "../../workload-targets";
import { runtimeOf } from "../blocks/block-runtime-state";
import type { QualityRouting } from "../quality/quality-routing";
import { asObject } from "../registry/doc";
import { emitVdagStatus } from "./vdag.service";
import { publicControllerDoc } from "./vdag-controller.registry";
import { CONTROLLER_REPORTED, createControllerLookup } from "./vdag-controller-lookup";
import type { TControllerPolicies } from "./vdag-policies";

const QUALITY_KIND = "vdag.quality";

const verdictOnly = ({ input: _i, output: _o, ...verdict }: TQualitySample) => verdict;

/**
 * The vDAG controllers' side: where a vDAG is served, what each controller runs with (its plan with
 * the blocks' executors as of now), the agents' reports (running, health → the vDAG's status), and
 * the quality checker's verdicts they drain (the routed ones sent on: `quality/quality-routing.ts`).
 */
export function createVdagControllers(
  db: Db,
  events: EventEmitter,
  quality: QualityRouting,
  /** Where the API calls workloads: a controller reported elsewhere fails its vDAG, saying why. */
  workloads?: Pick<WorkloadTargets, "refusal">,
) {
  const vdagExists = async (vdagURI: string) => {
    const row = await db.vdag.findUnique({ where: { vdagURI }, select: { vdagURI: true } });
    if (!row) throw new NotFoundError("vDAG", vdagURI);
  };
  return {
    /** The controller serving a vDAG (404 unless it runs), remembered a moment (`vdag-controller-lookup.ts`). */
    controllerOf: createControllerLookup(db, events),

    async controllers(vdagURI: string) {
      await vdagExists(vdagURI);
      const rows = await db.vdagController.findMany({ where: { vdagURI }, orderBy: { createdAt: "asc" } });
      return rows.map((c) => ({
        id: c.id,
        vdagURI: c.vdagURI,
        clusterId: c.clusterId,
        status: c.status,
        url: c.url,
        doc: publicControllerDoc(c.doc),
        updatedAt: c.updatedAt.toISOString(),
      }));
    },

    /** The controllers this cluster's agent must run (and those it must stop). */
    async desiredControllers(clusterId: string) {
      const rows = await db.vdagController.findMany({
        where: { clusterId, status: { not: "removed" } },
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },

    /** What a controller runs with: the plan with each block's cluster and executor as of now. */
    async desiredController(controllerId: string, scope: string | null) {
      const c = await db.vdagController.findUnique({ where: { id: controllerId }, include: { vdag: true } });
      if (!c) return { controllerId, exists: false as const };
      assertClusterScope(scope, c.clusterId, `controller ${controllerId}`);
      const revision = (asObject(c.doc).revision as number | undefined) ?? 1;
      if (c.status === "removing" || c.status === "removed" || !c.vdag.compiled)
        return { controllerId, exists: true as const, removing: true, revision, config: null };
      const plan = ZVdagPlan.parse(c.vdag.compiled);
      const blockIds = [...new Set(Object.values(plan.nodes).map((n) => n.blockId))];
      const blocks = await db.block.findMany({ where: { id: { in: blockIds } } });
      // Each block's cluster (each step's trace names it).
      const clusters = new Map(blocks.map((b) => [b.id, b.clusterId]));
      // Each executor's endpoint and the data token its `/infer` takes (the controller sends it).
      const executors = new Map(
        blocks.map((b) => {
          const runtime = runtimeOf(b.doc);
          return [b.id, b.status === "removed" ? null : runtime.executorEndpoint ? runtime : null];
        }),
      );
      for (const n of Object.values(plan.nodes)) {
        const executor = executors.get(n.blockId);
        n.clusterId = clusters.get(n.blockId) ?? null;
        n.executorEndpoint = executor?.executorEndpoint ?? null;
        n.executorDataToken = executor?.executorDataToken ?? null;
      }
      const policies = asObject(asObject(c.vdag.doc).controllerConfig) as unknown as TControllerPolicies;
      const config: TVdagControllerConfig = ZVdagControllerConfig.parse({
        ...policies,
        controllerId,
        vdagURI: c.vdagURI,
        plan,
      });
      return { controllerId, exists: true as const, removing: false, revision, config };
    },

    /**
     * The agent's report on a controller: where it listens (null: stopped) and its status. The vDAG
     * is `active` while its controller runs and is healthy, `unhealthy` when its health check says so;
     * `failed` when it failed, or listens where the API does not call workloads (nothing could reach it).
     */
    async reportController(
      controllerId: string,
      report: {
        url: string | null;
        dataToken?: string | null | undefined;
        failure?: string | undefined;
        status?: TVdagControllerStatus | undefined;
      },
      scope: string | null,
    ) {
      const c = await db.vdagController.findUnique({ where: { id: controllerId }, include: { vdag: true } });
      if (!c) throw new NotFoundError("vDAG controller", controllerId);
      assertClusterScope(scope, c.clusterId, `controller ${controllerId}`);
      const refused = report.url ? workloads?.refusal(report.url) : null;
      if (refused && !report.failure)
        report = {
          ...report,
          failure: `its controller listens at ${report.url}, where the API does not call workloads: ${refused}`,
        };
      const removing = c.status === "removing" || c.status === "removed";
      const status = removing
        ? report.url
          ? "removing"
          : "removed"
        : report.failure
          ? "failed"
          : report.url
            ? "running"
            : "pending";
      const health = report.status
        ? {
            healthy: report.status.healthy,
            reason: report.status.healthReason ?? null,
            checkedAt: report.status.checkedAt,
          }
        : asObject(asObject(c.doc).health);
      await db.vdagController.update({
        where: { id: controllerId },
        data: {
          status,
          url: report.url,
          doc: {
            ...asObject(c.doc),
            // Reported with the url, gone with it; never shown (`publicControllerDoc`).
            dataToken: report.url ? (report.dataToken ?? null) : null,
            health,
            ...(report.status ? { status: report.status } : {}),
            ...(report.failure ? { failure: report.failure } : {}),
          } as Prisma.InputJsonValue,
        },
      });
      events.emit(CONTROLLER_REPORTED, { vdagURI: c.vdagURI });
      if (c.vdag.status !== "removed") {
        const vdagStatus =
          status === "running"
            ? report.status && !report.status.healthy
              ? "unhealthy"
              : "active"
            : status === "failed"
              ? "failed"
              : c.vdag.status;
        if (vdagStatus !== c.vdag.status) {
          const doc = asObject(c.vdag.doc);
          const history = Array.isArray(doc.history) ? (doc.history as unknown[]) : [];
          const reason =
            vdagStatus === "unhealthy"
              ? (report.status?.healthReason ?? "the health check failed")
              : vdagStatus === "failed"
                ? (report.failure ?? "the controller failed")
                : `controller ${controllerId} serves it`;
          await db.vdag.update({
            where: { vdagURI: c.vdagURI },
            data: {
              status: vdagStatus,
              doc: {
                ...doc,
                statusReason: reason,
                history: [...history, { status: vdagStatus, reason, at: new Date().toISOString() }].slice(
                  -20,
                ),
              } as Prisma.InputJsonValue,
            },
          });
          emitVdagStatus(events, c.vdagURI, vdagStatus, reason);
        }
      }
      return { status };
    },

    /** Quality checker verdicts drained from a controller, kept with the vDAG (as tasks of their own). */
    async storeQualitySamples(controllerId: string, samples: TQualitySample[], scope: string | null) {
      const c = await db.vdagController.findUnique({ where: { id: controllerId } });
      if (!c) throw new NotFoundError("vDAG controller", controllerId);
      assertClusterScope(scope, c.clusterId, `controller ${controllerId}`);
      await db.task.createMany({
        data: samples.map((sample) => ({
          kind: QUALITY_KIND,
          status: sample.error ? "error" : sample.passed === false ? "failed" : "passed",
          targetType: "vdag",
          targetId: c.vdagURI,
          input: { taskId: sample.taskId, controllerId },
          // A routed sample's request and response go with its audit item or delivery, not here.
          result: verdictOnly(sample) as unknown as Prisma.InputJsonValue,
          // A verdict is one moment: created and finished when the controller made it.
          createdAt: new Date(sample.at),
          finishedAt: new Date(sample.at),
        })),
      });
      await quality.route(c.vdagURI, controllerId, samples);
      return { stored: samples.length };
    },

    /** The most recent quality verdicts of a vDAG, newest first. */
    async qualitySamples(vdagURI: string, limit: number): Promise<TQualitySample[]> {
      await vdagExists(vdagURI);
      const rows = await db.task.findMany({
        where: { kind: QUALITY_KIND, targetType: "vdag", targetId: vdagURI },
        orderBy: { finishedAt: "desc" },
        take: limit,
      });
      return rows.map((r) => r.result as unknown as TQualitySample);
    },
  };
}

export type VdagControllers = ReturnType<typeof createVdagControllers>;
