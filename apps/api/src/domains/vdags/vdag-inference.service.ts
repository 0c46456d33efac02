import { randomUUID } from "node:crypto";
import {
  type TVdagInferRequest,
  type TVdagTask,
  type TVdagTraceStep,
  ZVdagControlAnswer,
  ZVdagTask,
  ZVdagTraceStep,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { QueueBackend } from "@aios/queue";
import {
  connectionFailure,
  type Logger,
  neverConnected,
  newTraceparent,
  traceIdOf,
  tracing,
} from "@aios/service-kit";
import type { Dispatcher } from "undici";
import { NotFoundError, OperationalError } from "../../errors";
import { checkPolicyCommand } from "../policies/policy-contract";
import { type ClusterQueues, newRequestId } from "../queues/cluster-queues";
import { asObject } from "../registry/doc";
import {
  type ControllerAnswer,
  type ControllerPolicyService,
  vdagControllerClient,
} from "./controller-client";
import type { ServingController } from "./vdag-controller-lookup";
import type { VdagControllers } from "./vdag-controllers.service";
import { outcomeOf, TASK_KIND } from "./vdag-task-outcome";
import { createTaskRows } from "./vdag-task-rows";
import { createVdagTasks, type VdagTaskSettings } from "./vdag-tasks.service";

export type { ControllerAnswer } from "./controller-client";

/**
 * Requests to vDAGs through the API: forwarded to the vDAG's controller, answered as it answers.
 * Every request becomes a task in Postgres with its trace (a synchronous one written after the
 * answer, off the request's path); `async` requests are recorded and queued durably, answered at
 * once with the task id, and run by the task workers of the API processes (`vdag-tasks.service.ts`).
 */
export function createVdagInference(
  db: Db,
  vdags: VdagControllers,
  log: Logger,
  queues: ClusterQueues,
  taskQueue: { backend: QueueBackend; settings?: Partial<VdagTaskSettings> },
  /** The API's connections to workloads (`workload-targets.ts`). */
  workloads: Dispatcher,
) {
  /**
   * The typed client of the controller serving a vDAG (404 unless it exists, 503 unless it runs).
   * Its control calls go through the agent of the controller's cluster, which holds its token.
   */
  const controllerOf = async (vdagURI: string, opts: { fresh?: boolean } = {}) =>
    clientOf(vdagURI, await vdags.controllerOf(vdagURI, opts));
  const clientOf = (vdagURI: string, c: ServingController) =>
    vdagControllerClient(
      vdagURI,
      c,
      async (call) => {
        const requestId = newRequestId(c.id);
        const clusterId = c.clusterId ?? "local";
        const answer = ZVdagControlAnswer.safeParse(
          await queues.ask(clusterId, { type: "vdag.control", controllerId: c.id, call, requestId }),
        );
        if (!answer.success)
          throw new OperationalError(
            `the agent of cluster ${clusterId} did not answer the controller's call`,
          );
        return answer.data;
      },
      workloads,
    );

  /**
   * A request to the vDAG's controller. The controller's address is remembered for a moment
   * (`vdag-controller-lookup.ts`): when nothing listens there any more or it refuses its token
   * (401), the request was not run, and goes once more to the controller read afresh when that is
   * another one.
   */
  const forward = async (
    vdagURI: string,
    taskId: string,
    request: TVdagInferRequest,
    caller: string,
    traceparent?: string,
  ): Promise<ControllerAnswer> => {
    const meta = { taskId, caller, traceparent };
    const known = await vdags.controllerOf(vdagURI);
    const answer = await clientOf(vdagURI, known)
      .infer(request, meta)
      .catch((err: Error) => err);
    const stale = answer instanceof Error ? neverConnected(connectionFailure(answer)) : answer.status === 401;
    if (!stale) {
      if (answer instanceof Error) throw answer;
      return answer;
    }
    const now = await vdags.controllerOf(vdagURI, { fresh: true });
    if (now.url === known.url && now.dataToken === known.dataToken) {
      if (answer instanceof Error) throw answer;
      return answer;
    }
    return clientOf(vdagURI, now).infer(request, meta);
  };

  /**
   * A synchronous request's task, stored once it was answered (in batches: `vdag-task-rows.ts`).
   * `receivedAt` is when the API took the request: the task is created as of then, from the same
   * clock as `finishedAt`, so it never finishes before it began.
   */
  const answered = createTaskRows(db, log);

  const tasks = createVdagTasks({
    db,
    queues: taskQueue.backend,
    log,
    forward,
    settings: taskQueue.settings,
  });

  return {
    /** Resolves once the tasks of the requests answered so far are written. */
    flushTasks: () => answered.flush(),

    /**
     * A request answered when the vDAG answered; its task is stored afterwards. `caller` (`token:<id>`
     * or `address:<ip>`) is what the controller's quota counts a request without session_id against.
     */
    async infer(
      vdagURI: string,
      request: TVdagInferRequest,
      caller: string,
      traceparent: string = newTraceparent(),
    ): Promise<ControllerAnswer> {
      const receivedAt = new Date();
      const taskId = randomUUID();
      const answer = await forward(vdagURI, taskId, request, caller, traceparent);
      answered.record({
        id: taskId,
        vdagURI,
        input: request,
        caller,
        traceparent,
        receivedAt,
        outcome: outcomeOf(answer),
      });
      return answer;
    },

    /**
     * An `async` request: recorded as `queued` (with its request and caller), then queued, then
     * answered with its id. Once recorded it is never lost: should the queue not take it, the sweep
     * queues it again.
     */
    async submit(
      vdagURI: string,
      request: TVdagInferRequest,
      caller: string,
      traceparent: string = newTraceparent(),
    ): Promise<{ taskId: string; status: "queued" }> {
      const receivedAt = new Date();
      await vdags.controllerOf(vdagURI); // refuse at once when nothing can serve it
      const taskId = randomUUID();
      await db.task.create({
        data: {
          id: taskId,
          kind: TASK_KIND,
          createdAt: receivedAt,
          status: "queued",
          targetType: "vdag",
          targetId: vdagURI,
          input: request as unknown as Prisma.InputJsonValue,
          caller,
          traceparent,
        },
      });
      // Within the request's trace: with BullMQ's telemetry on, the job carries it too.
      await tracing().withParent(traceparent, () => tasks.enqueue(taskId));
      return { taskId, status: "queued" };
    },

    /** The async tasks' worker and sweep (`start` in each API process), for tests their steps. */
    tasks,

    async get(taskId: string): Promise<TVdagTask> {
      const row = await db.task.findUnique({ where: { id: taskId } });
      if (!row || row.kind !== TASK_KIND) throw new NotFoundError("task", taskId, "taskId");
      return {
        taskId: row.id,
        vdagURI: row.targetId,
        status: ZVdagTask.shape.status.parse(row.status),
        result: row.result ?? null,
        error: row.error ?? null,
        trace: traceOf(row.trace),
        traceId: row.traceparent ? traceIdOf(row.traceparent) : null,
        createdAt: row.createdAt.toISOString(),
        finishedAt: row.finishedAt?.toISOString() ?? null,
      };
    },

    /** The most recent tasks of a vDAG, newest first. */
    async recent(vdagURI: string, limit: number): Promise<TVdagTask[]> {
      const rows = await db.task.findMany({
        where: { kind: TASK_KIND, targetType: "vdag", targetId: vdagURI },
        orderBy: { createdAt: "desc" },
        take: limit,
        select: { id: true },
      });
      return Promise.all(rows.map((r) => this.get(r.id)));
    },

    /** The typed client of the controller serving a vDAG: status, health, quota, management. */
    controller: controllerOf,

    /**
     * A management command for one of the controller's policies (quota, health, quality), checked
     * against that policy's declared commands before it goes to the controller.
     */
    async mgmt(vdagURI: string, service: ControllerPolicyService, action: string, data: unknown) {
      const row = await db.vdag.findUnique({ where: { vdagURI }, select: { doc: true } });
      if (!row) throw new NotFoundError("vDAG", vdagURI, "vdagURI");
      const policy = asObject(asObject(asObject(asObject(row.doc).controllerConfig)[service]).policy);
      if (typeof policy.policyRuleURI === "string") {
        await checkPolicyCommand(db, policy.policyRuleURI, action, data);
      }
      return (await controllerOf(vdagURI)).mgmt(service, action, data);
    },
  };
}

export type VdagInference = ReturnType<typeof createVdagInference>;

/** The stored trace's steps; a step that does not read as one (an older record) is left out. */
function traceOf(raw: unknown): TVdagTraceStep[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((step) => {
    const parsed = ZVdagTraceStep.safeParse(step);
    return parsed.success ? [parsed.data] : [];
  });
}
