import type { Db, Prisma } from "@aios/db";
import type { ControllerAnswer } from "./controller-client";

export const TASK_KIND = "vdag.infer";

/** The states of a task not finished yet; every other state is an end, written once. */
export const PENDING_STATES = ["queued", "running"] as const;

/** The fields that end a task. */
export interface TaskOutcome {
  status: "succeeded" | "failed" | "refused";
  result: Prisma.InputJsonValue | undefined;
  error: Prisma.InputJsonValue | undefined;
  trace: Prisma.InputJsonValue;
  finishedAt: Date;
}

/** A task's end from its controller's answer: 2xx/3xx succeeded, 429 refused, any other failed. */
export function outcomeOf(answer: ControllerAnswer): TaskOutcome {
  const ok = answer.status < 400;
  return {
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
}

/** A task failed by the API itself (it could not reach the controller, or the task waited too long). */
export function failureOf(message: string): TaskOutcome {
  return {
    status: "failed",
    result: undefined,
    error: { message, stage: "controller" },
    trace: [],
    finishedAt: new Date(),
  };
}

/**
 * Writes an outcome with `write`; an answer the database cannot take (JSON nested past what it
 * reads) still ends its task, as failed, saying why.
 */
export async function writeOutcome<T>(
  write: (outcome: TaskOutcome) => Promise<T>,
  outcome: TaskOutcome,
): Promise<T> {
  try {
    return await write(outcome);
  } catch (err) {
    const reason = (err as Error).message.trim().split("\n").at(-1) ?? "";
    return write(failureOf(`the vDAG's answer could not be stored: ${reason}`));
  }
}

/**
 * Ends a pending task, once: the update only applies while the task is `queued` or `running`, so
 * a task already ended (by another process that ran the same request) is never overwritten.
 * Answers whether this call ended it.
 */
export async function finishTask(db: Db, taskId: string, outcome: TaskOutcome): Promise<boolean> {
  const { count } = await writeOutcome(
    (fields) =>
      db.task.updateMany({
        where: { id: taskId, kind: TASK_KIND, status: { in: [...PENDING_STATES] } },
        data: fields,
      }),
    outcome,
  );
  return count === 1;
}
