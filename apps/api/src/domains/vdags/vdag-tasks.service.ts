import { randomUUID } from "node:crypto";
import type { Db, Prisma } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import type { TVdagInferRequest } from "@aios/spec";
import { NotFoundError, OperationalError, QuotaExceededError, UserError } from "../../errors";
import { checkPolicyCommand } from "../policies/policy-contract";
import { asObject } from "../registry/doc";
import type { VdagControllers } from "./vdag-controllers.service";

/** A task as clients read it (`GET /v1/tasks/<id>`, `vdags.task`, `aios trace`). */
export interface VdagTaskRecord {
  taskId: string;
  vdagURI: string | null;
  status: string;
  result: unknown;
  error: unknown;
  trace: unknown[];
  createdAt: string;
  finishedAt: string | null;
}

/** The controller's answer, as it came: HTTP status and the JSON body. */
export interface ControllerAnswer {
  status: number;
  body: Record<string, unknown>;
}

const TASK_KIND = "vdag.infer";

/**
 * Requests to vDAGs through the API: forwarded to the vDAG's controller, answered as it answers.
 * Every request becomes a task in Postgres with its trace (written after the answer, off the
 * request's path); `async` requests are answered at once with the task id and run in the background.
 */
export function createVdagTasks(db: Db, vdags: VdagControllers, log: Logger) {
  const forward = async (
    vdagURI: string,
    taskId: string,
    request: TVdagInferRequest,
    caller: string,
  ): Promise<ControllerAnswer> => {
    const controller = await vdags.controllerOf(vdagURI);
    let res: Response;
    try {
      res = await fetch(`${controller.url}/v1/infer`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-aios-task-id": taskId, "x-aios-caller": caller },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(300_000),
      });
    } catch (err) {
      throw new OperationalError(
        `the controller of vDAG ${vdagURI} could not be reached: ${(err as Error).message}`,
      );
    }
    const body = asObject(await res.json().catch(() => ({})));
    return { status: res.status, body };
  };

  /**
   * Stores a request's outcome. `receivedAt` is when the API took the request: a task created only
   * now (a synchronous one) is created as of then, from the same clock as `finishedAt`, so it never
   * finishes before it began.
   */
  const store = async (
    vdagURI: string,
    taskId: string,
    request: TVdagInferRequest,
    answer: ControllerAnswer,
    receivedAt: Date,
  ) => {
    const ok = answer.status < 400;
    const data = {
      status: ok ? "succeeded" : answer.status === 429 ? "refused" : "failed",
      result: ok
        ? ({ packet: answer.body.packet, outputs: answer.body.outputs } as Prisma.InputJsonValue)
        : undefined,
      error: ok
        ? undefined
        : ((answer.body.error ?? { message: `HTTP ${answer.status}` }) as Prisma.InputJsonValue),
      trace: (Array.isArray(answer.body.trace) ? answer.body.trace : []) as Prisma.InputJsonValue,
      finishedAt: new Date(),
    };
    await db.task.upsert({
      where: { id: taskId },
      create: {
        id: taskId,
        kind: TASK_KIND,
        targetType: "vdag",
        targetId: vdagURI,
        input: request as unknown as Prisma.InputJsonValue,
        createdAt: receivedAt,
        ...data,
      },
      update: data,
    });
  };

  return {
    /**
     * A request answered when the vDAG answered; its task is stored afterwards. `caller` (`token:<id>`
     * or `address:<ip>`) is what the controller's quota counts a request without session_id against.
     */
    async infer(vdagURI: string, request: TVdagInferRequest, caller: string): Promise<ControllerAnswer> {
      const receivedAt = new Date();
      const taskId = randomUUID();
      const answer = await forward(vdagURI, taskId, request, caller);
      void store(vdagURI, taskId, request, answer, receivedAt).catch((err) =>
        log.warn("could not store a vDAG task", { taskId, err: (err as Error).message }),
      );
      return answer;
    },

    /** An `async` request: stored as `running`, answered with its id; the result is stored later. */
    async submit(
      vdagURI: string,
      request: TVdagInferRequest,
      caller: string,
    ): Promise<{ taskId: string; status: string }> {
      const receivedAt = new Date();
      await vdags.controllerOf(vdagURI); // refuse at once when nothing can serve it
      const taskId = randomUUID();
      await db.task.create({
        data: {
          id: taskId,
          kind: TASK_KIND,
          createdAt: receivedAt,
          status: "running",
          targetType: "vdag",
          targetId: vdagURI,
          input: request as unknown as Prisma.InputJsonValue,
        },
      });
      void forward(vdagURI, taskId, request, caller)
        .catch(
          (err): ControllerAnswer => ({
            status: 502,
            body: { error: { message: (err as Error).message, stage: "controller" }, trace: [] },
          }),
        )
        .then((answer) => store(vdagURI, taskId, request, answer, receivedAt))
        .catch((err) => log.error("could not store a vDAG task", { taskId, err: (err as Error).message }));
      return { taskId, status: "running" };
    },

    async get(taskId: string): Promise<VdagTaskRecord> {
      const row = await db.task.findUnique({ where: { id: taskId } });
      if (!row || row.kind !== TASK_KIND) throw new NotFoundError("task", taskId, "taskId");
      return {
        taskId: row.id,
        vdagURI: row.targetId,
        status: row.status,
        result: row.result ?? null,
        error: row.error ?? null,
        trace: Array.isArray(row.trace) ? (row.trace as unknown[]) : [],
        createdAt: row.createdAt.toISOString(),
        finishedAt: row.finishedAt?.toISOString() ?? null,
      };
    },

    /** The most recent tasks of a vDAG, newest first. */
    async recent(vdagURI: string, limit: number): Promise<VdagTaskRecord[]> {
      const rows = await db.task.findMany({
        where: { kind: TASK_KIND, targetType: "vdag", targetId: vdagURI },
        orderBy: { createdAt: "desc" },
        take: limit,
        select: { id: true },
      });
      return Promise.all(rows.map((r) => this.get(r.id)));
    },

    /** A call to the vDAG's controller's own routes (quota, health, quality, status). */
    async controllerCall(vdagURI: string, method: "GET" | "POST" | "DELETE", path: string, body?: unknown) {
      const controller = await vdags.controllerOf(vdagURI);
      let res: Response;
      try {
        res = await fetch(`${controller.url}${path}`, {
          method,
          ...(body !== undefined
            ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
            : {}),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        throw new OperationalError(
          `the controller of vDAG ${vdagURI} could not be reached: ${(err as Error).message}`,
        );
      }
      const json = (await res.json().catch(() => ({}))) as unknown;
      if (!res.ok) {
        const message =
          (asObject(asObject(json).error).message as string | undefined) ?? `HTTP ${res.status}`;
        const text = `the controller of vDAG ${vdagURI} answered ${method} ${path} with ${res.status}: ${message}`;
        if (res.status === 429) throw new QuotaExceededError(text);
        throw res.status < 500 ? new UserError(text) : new OperationalError(text);
      }
      return json;
    },

    /**
     * A management command for one of the controller's policies (quota, health, quality), checked
     * against that policy's declared commands before it goes to the controller.
     */
    async mgmt(vdagURI: string, service: "quota" | "health" | "quality", action: string, data: unknown) {
      const row = await db.vdag.findUnique({ where: { vdagURI }, select: { doc: true } });
      if (!row) throw new NotFoundError("vDAG", vdagURI, "vdagURI");
      const policy = asObject(asObject(asObject(asObject(row.doc).controllerConfig)[service]).policy);
      if (typeof policy.policyRuleURI === "string") {
        await checkPolicyCommand(db, policy.policyRuleURI, action, data);
      }
      return this.controllerCall(vdagURI, "POST", `/${service}/mgmt`, { action, data });
    },
  };
}

export type VdagTasks = ReturnType<typeof createVdagTasks>;
