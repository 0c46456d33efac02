import type { TTaskError } from "@aios/contracts";

/** Where a task failed (the protocol's `error.stage`). */
export type TaskStage = TTaskError["error"]["stage"];

export interface Issue {
  path: string;
  message: string;
}

/** An HTTP answer of the instance protocol, before serialisation. */
export interface Reply {
  status: number;
  body: unknown;
}

/**
 * A failure with an HTTP status and a stage. The SDK throws these; a component throws one to choose
 * the status itself (e.g. 400 for an input it cannot use); any other error from `infer` is a 500.
 */
export class InstanceError extends Error {
  override readonly name = "InstanceError";
  readonly status: number;
  readonly stage: TaskStage;
  readonly issues?: Issue[];

  constructor(status: number, message: string, opts: { stage?: TaskStage; issues?: Issue[] } = {}) {
    super(message);
    this.status = status;
    this.stage = opts.stage ?? "infer";
    if (opts.issues?.length) this.issues = opts.issues;
  }

  /** The protocol's error body (`ZTaskError`). */
  toBody(instanceId?: string): TTaskError {
    return {
      error: {
        message: this.message,
        stage: this.stage,
        ...(instanceId ? { instanceId } : {}),
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}

/** 400 at stage `infer`, naming the input field the component cannot use. */
export function badInput(path: string, message: string): InstanceError {
  return new InstanceError(400, `${path}: ${message}`, { stage: "infer", issues: [{ path, message }] });
}

/** 400 at stage `request`: for `management` when the action is not one the component knows. */
export function unknownAction(action: string, known: readonly string[] = []): InstanceError {
  const hint = known.length ? ` (known: ${known.join(", ")})` : "";
  return new InstanceError(400, `unknown management action ${JSON.stringify(action)}${hint}`, {
    stage: "request",
    issues: [{ path: "action", message: "unknown action" }],
  });
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Any thrown value as an InstanceError: InstanceErrors keep their status, others get `status`. */
export function asInstanceError(e: unknown, status: number, stage: TaskStage, prefix = ""): InstanceError {
  if (e instanceof InstanceError) return e;
  return new InstanceError(status, `${prefix}${errorMessage(e)}`, { stage });
}

export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
