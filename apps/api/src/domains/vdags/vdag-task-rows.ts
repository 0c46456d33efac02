import { type Db, sqlOf } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import { failureOf, TASK_KIND, type TaskOutcome } from "./vdag-task-outcome";

/** A synchronous request's task, ended: written once its answer is back. */
export interface AnsweredTask {
  id: string;
  vdagURI: string;
  input: unknown;
  caller: string;
  traceparent: string;
  receivedAt: Date;
  outcome: TaskOutcome;
}

const BATCH_MS = 50;
const BATCH = 500;

/**
 * The rows of answered synchronous tasks, written together: the tasks answered within BATCH_MS (and
 * while a statement is on its way) go out in one plain-SQL statement, as audit events do
 * (`audit.service.ts`). Prisma cost about 0.7 ms of the API's CPU a task and a transaction of its
 * own. A batch the database refuses (an answer nested past what it reads) is written again a row
 * at a time, and a row it still refuses ends its task as failed, saying why (`writeOutcome`).
 * The request is answered before its task is written, as it was: `GET /v1/tasks/<id>` finds it a
 * moment later.
 */
export function createTaskRows(db: Db, log: Logger) {
  let queue: AnsweredTask[] = [];
  let writing: Promise<void> | null = null;

  const insert = (tasks: AnsweredTask[]) =>
    sqlOf(db).query(
      `INSERT INTO tasks (id, kind, status, target_type, target_id, input, caller, result, error, trace,
                          traceparent, created_at, updated_at, finished_at)
       SELECT e->>'id', $2, e->>'status', 'vdag', e->>'vdagURI', e->'input', e->>'caller', e->'result',
              e->'error', COALESCE(e->'trace', '[]'::jsonb), e->>'traceparent',
              (e->>'receivedAt')::timestamptz, now(), (e->>'finishedAt')::timestamptz
         FROM jsonb_array_elements($1::jsonb) AS x(e)`,
      [
        JSON.stringify(
          tasks.map((t) => ({
            id: t.id,
            vdagURI: t.vdagURI,
            input: t.input,
            caller: t.caller,
            traceparent: t.traceparent,
            receivedAt: t.receivedAt,
            status: t.outcome.status,
            result: t.outcome.result,
            error: t.outcome.error,
            trace: t.outcome.trace,
            finishedAt: t.outcome.finishedAt,
          })),
        ),
        TASK_KIND,
      ],
    );

  const one = async (task: AnsweredTask) => {
    try {
      await insert([task]);
    } catch (err) {
      const reason = (err as Error).message.trim().split("\n").at(-1) ?? "";
      await insert([
        { ...task, outcome: failureOf(`the vDAG's answer could not be stored: ${reason}`) },
      ]).catch((again: Error) =>
        log.warn("could not store a vDAG task", { taskId: task.id, err: again.message }),
      );
    }
  };

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH);
      queue = queue.slice(BATCH);
      try {
        await insert(batch);
      } catch {
        for (const task of batch) await one(task);
      }
    }
    writing = null;
  };

  return {
    /** Queues an answered task's row; written within about BATCH_MS. */
    record(task: AnsweredTask): void {
      queue.push(task);
      writing ??= new Promise<void>((r) => setTimeout(r, BATCH_MS)).then(drain);
    },
    /** Resolves once every row recorded so far is written (or given up). */
    async flush(): Promise<void> {
      while (writing) await writing;
    },
  };
}
