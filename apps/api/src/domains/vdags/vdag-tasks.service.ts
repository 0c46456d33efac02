import { fieldIssues, issuesLine, type TVdagInferRequest, ZVdagInferRequest } from "@aios/contracts";
import type { Db } from "@aios/db";
import type { QueueBackend } from "@aios/queue";
import { type Logger, tracing } from "@aios/service-kit";
import type { ControllerAnswer } from "./controller-client";
import { failureOf, finishTask, outcomeOf, PENDING_STATES, TASK_KIND } from "./vdag-task-outcome";
import { type TVdagTaskJob, VDAG_TASK_QUEUE, vdagTaskQueue, ZVdagTaskJob } from "./vdag-task-queue";

export interface VdagTaskSettings {
  /** Async requests one API process forwards at once (AIOS_VDAG_TASK_CONCURRENCY). */
  concurrency: number;
  /**
   * A task not ended this long after it was accepted is failed, saying so (AIOS_VDAG_TASK_MAX_AGE_SECONDS);
   * keep it well above the controller's request timeout (300 s).
   */
  maxAgeSeconds: number;
  /** How often each API process looks for tasks no job carries any more (AIOS_VDAG_TASK_SWEEP_SECONDS). */
  sweepSeconds: number;
}

export const DEFAULT_VDAG_TASK_SETTINGS: VdagTaskSettings = {
  concurrency: 32,
  maxAgeSeconds: 3600,
  sweepSeconds: 30,
};

/** How long `submit` waits for the queue before answering anyway (the row is what holds the task). */
const ENQUEUE_WAIT_MS = 3_000;
/** A task changed this recently is left to the process handling it (its job may be on its way). */
const SWEEP_GRACE_MS = 5_000;
const SWEEP_PAGE = 200;

export type Forward = (
  vdagURI: string,
  taskId: string,
  request: TVdagInferRequest,
  caller: string,
  traceparent?: string,
) => Promise<ControllerAnswer>;

/**
 * Async vDAG requests, durable: the task's row (with its request and caller) is written first, then
 * a job on the `api.vdag-tasks` queue; a worker in every API process takes jobs, marks the task
 * `running`, forwards it to the vDAG's controller and ends it once (`finishTask`). A job whose
 * process died is taken again by a live one (BullMQ's stalled-job check, on either backend); tasks
 * no job carries any more (the queue lost its data, a job gave up) are queued again by `reconcile`,
 * or failed once older than `maxAgeSeconds`.
 */
export function createVdagTasks(deps: {
  db: Db;
  queues: QueueBackend;
  log: Logger;
  forward: Forward;
  settings?: Partial<VdagTaskSettings>;
}) {
  const { db, log, forward } = deps;
  const settings = { ...DEFAULT_VDAG_TASK_SETTINGS, ...deps.settings };
  const queue = vdagTaskQueue(deps.queues);
  const maxAgeMs = settings.maxAgeSeconds * 1000;
  const expired = () =>
    failureOf(
      `the task did not end within ${settings.maxAgeSeconds} s of being accepted (AIOS_VDAG_TASK_MAX_AGE_SECONDS); it is not run again`,
    );

  /** Queues a task's job; when the queue fails or does not answer in time, the sweep queues it later. */
  const enqueue = async (taskId: string): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const added = queue.add(taskId).then(
      () => true,
      (err: Error) => {
        log.warn("could not queue a vDAG task; the sweep will", { taskId, err: err.message });
        return false;
      },
    );
    const late = new Promise<null>((r) => {
      timer = setTimeout(() => r(null), ENQUEUE_WAIT_MS);
    });
    const queued = await Promise.race([added, late]).finally(() => clearTimeout(timer));
    if (queued === null) log.warn("the queue did not take a vDAG task in time; the sweep will", { taskId });
    return queued === true;
  };

  /** Runs one task's job: a task already ended, or ended meanwhile, is left as it is. */
  const run = async (taskId: string): Promise<"ended" | "expired" | "already ended"> => {
    const row = await db.task.findUnique({ where: { id: taskId } });
    const pending = (PENDING_STATES as readonly string[]).includes(row?.status ?? "");
    if (!row || row.kind !== TASK_KIND || !pending) return "already ended";
    if (Date.now() - row.createdAt.getTime() > maxAgeMs) {
      return (await finishTask(db, taskId, expired())) ? "expired" : "already ended";
    }
    const { count } = await db.task.updateMany({
      where: { id: taskId, status: { in: [...PENDING_STATES] } },
      data: { status: "running" },
    });
    if (count === 0) return "already ended";
    const request = ZVdagInferRequest.safeParse(row.input);
    // The trace goes on from the request that queued the task (its `traceparent` is on the row).
    const span = tracing().startSpan("vdag.task", {
      parent: row.traceparent,
      kind: "consumer",
      attributes: { "aios.vdag.uri": row.targetId ?? undefined, "aios.task.id": taskId },
    });
    const answer: ControllerAnswer = request.success
      ? await forward(row.targetId ?? "", taskId, request.data, row.caller ?? "unknown", span.header).catch(
          (err: Error) => ({ status: 502, body: { error: { message: err.message, stage: "controller" } } }),
        )
      : {
          status: 500,
          body: {
            error: {
              message: `the stored request does not read as one: ${issuesLine(fieldIssues(request.error, "(input)"))}`,
              stage: "request",
            },
          },
        };
    span.setAttributes({ "http.response.status_code": answer.status });
    if (answer.status >= 500) span.fail(`HTTP ${answer.status}`);
    span.end();
    return (await finishTask(db, taskId, outcomeOf(answer))) ? "ended" : "already ended";
  };

  /**
   * Ends every pending task older than `maxAgeSeconds` (failed, saying so), and queues again every
   * younger one that no job carries. Answers how many of each.
   */
  const reconcile = async (opts: { graceMs?: number } = {}) => {
    const now = Date.now();
    const tooOld = await db.task.updateMany({
      where: {
        kind: TASK_KIND,
        status: { in: [...PENDING_STATES] },
        createdAt: { lt: new Date(now - maxAgeMs) },
      },
      data: expired(),
    });
    let requeued = 0;
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const rows = await db.task.findMany({
        where: {
          kind: TASK_KIND,
          status: { in: [...PENDING_STATES] },
          updatedAt: { lt: new Date(now - (opts.graceMs ?? SWEEP_GRACE_MS)) },
          ...(after && {
            OR: [
              { createdAt: { gt: after.createdAt } },
              { createdAt: after.createdAt, id: { gt: after.id } },
            ],
          }),
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: SWEEP_PAGE,
        select: { id: true, createdAt: true },
      });
      for (const { id } of rows) {
        if (await queue.isLive(id)) continue;
        await queue.add(id);
        requeued++;
      }
      if (rows.length < SWEEP_PAGE) break;
      after = rows.at(-1);
    }
    return { requeued, expired: tooOld.count };
  };

  return {
    settings,
    enqueue,
    run,
    reconcile,
    counts: () => queue.counts(),

    /**
     * This process's worker and its sweep: one at once, then every `sweepSeconds`. `stop` takes no
     * more jobs, lets the sweep under way end and waits for the jobs in hand.
     */
    start(): { stop(): Promise<void> } {
      const worker = deps.queues.worker<TVdagTaskJob, string>(
        VDAG_TASK_QUEUE,
        (job) => run(ZVdagTaskJob.parse(job.data).taskId),
        // A task whose API process died is taken again within about 20 s, not BullMQ's 60–90 s.
        { concurrency: settings.concurrency, lockMs: 10_000 },
      );
      worker.on("failed", (job, err) =>
        log.warn("a vDAG task's job failed", { taskId: job?.id, err: err.message }),
      );
      let sweeping: Promise<void> | null = null;
      const sweep = () => {
        sweeping ??= reconcile()
          .then((figures) => {
            if (figures.requeued || figures.expired) log.info("vDAG tasks swept", figures);
          })
          .catch((err: Error) => log.warn("the vDAG task sweep failed", { err: err.message }))
          .finally(() => {
            sweeping = null;
          });
      };
      sweep();
      const timer = setInterval(sweep, settings.sweepSeconds * 1000);
      timer.unref();
      return {
        stop: async () => {
          clearInterval(timer);
          await sweeping;
          await worker.close();
        },
      };
    },
  };
}

export type VdagTasks = ReturnType<typeof createVdagTasks>;
