/**
 * One request to a vDAG as the console shows it, from any of the data plane's answers: the
 * synchronous `POST /v1/vdags/<uri>/infer` (200, or an error status with `{error, trace}`) or a
 * task (`GET /v1/tasks/<id>`: `{status, result: {packet, outputs}, error, trace}`).
 */
import { type TVdagTask, type TVdagTraceStep, ZVdagTraceStep } from "@aios/contracts";
import type { JsonObject } from "./document";

export interface RunError {
  message: string;
  stage?: string;
  nodeLabel?: string;
}

/** An async task not ended yet: accepted and queued, or running. */
export const isUnfinished = (status: string | undefined) => status === "queued" || status === "running";

export interface RunOutcome {
  taskId: string | null;
  /** `succeeded`, `failed`, `refused`, or `queued` / `running` (async, not finished: `isUnfinished`). */
  status: string;
  packet: unknown;
  outputs: unknown;
  trace: TVdagTraceStep[];
  error: RunError | null;
  durationMs: number | null;
}

export type TraceStepStatus = TVdagTraceStep["status"];

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

export function traceOf(raw: unknown): TVdagTraceStep[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((s) => {
    const parsed = ZVdagTraceStep.safeParse(s);
    return parsed.success ? [parsed.data] : [];
  });
}

export function runErrorOf(raw: unknown, fallback: string): RunError {
  if (!isObject(raw)) return { message: typeof raw === "string" ? raw : fallback };
  const message = typeof raw.message === "string" ? raw.message : fallback;
  return {
    message,
    ...(typeof raw.stage === "string" ? { stage: raw.stage } : {}),
    ...(typeof raw.nodeLabel === "string" ? { nodeLabel: raw.nodeLabel } : {}),
  };
}

/** The answer of `POST /v1/vdags/<uri>/infer` with its HTTP status. */
export function outcomeOfResponse(httpStatus: number, body: unknown): RunOutcome {
  const b = isObject(body) ? body : {};
  const failed = httpStatus >= 400 || b.error !== undefined;
  return {
    taskId: typeof b.taskId === "string" ? b.taskId : null,
    status: failed ? (httpStatus === 429 ? "refused" : "failed") : "succeeded",
    packet: b.packet ?? null,
    outputs: b.outputs ?? null,
    trace: traceOf(b.trace),
    error: failed ? runErrorOf(b.error, `HTTP ${httpStatus}`) : null,
    durationMs: typeof b.durationMs === "number" ? b.durationMs : null,
  };
}

/** A stored task (`GET /v1/tasks/<id>`, `vdags.task`, `vdags.tasks`), typed by `ZVdagTask`. */
export function outcomeOfTask(
  task: Omit<TVdagTask, "result" | "error"> & { result?: unknown; error?: unknown },
): RunOutcome {
  const result = isObject(task.result) ? task.result : {};
  return {
    taskId: task.taskId,
    status: task.status,
    packet: result.packet ?? null,
    outputs: result.outputs ?? null,
    trace: task.trace,
    error: task.error ? runErrorOf(task.error, task.status) : null,
    durationMs: traceSpan(task.trace),
  };
}

/**
 * From the first step's start to the last step's end: a stored task's own timestamps do not say
 * (a synchronous request's row is written after it was answered).
 */
export function traceSpan(trace: readonly TVdagTraceStep[]): number | null {
  if (trace.length === 0) return null;
  const start = Math.min(...trace.map((s) => s.start));
  const end = Math.max(...trace.map((s) => s.start + s.durationMs));
  return end - start;
}

export interface NodeRunState {
  status: TraceStepStatus | "pending";
  durationMs: number | null;
  error: string | null;
  attempts: number;
}

/**
 * Each plan label's part in a run: its step (ok, error, skipped, duration), the request's error at
 * the node it names. `graphIds` are the drawn nodes: a nested vDAG drawn as one node (`analyse`)
 * collects the steps of its inner labels (`analyse.detect`, ...).
 */
export function nodeStates(outcome: RunOutcome, graphIds: readonly string[]): Map<string, NodeRunState> {
  const ids = new Set(graphIds);
  const owner = (label: string): string | undefined => {
    if (ids.has(label)) return label;
    for (let i = label.lastIndexOf("."); i > 0; i = label.lastIndexOf(".", i - 1)) {
      const prefix = label.slice(0, i);
      if (ids.has(prefix)) return prefix;
    }
    return undefined;
  };
  const rank: Record<NodeRunState["status"], number> = { pending: 0, skipped: 1, ok: 2, error: 3 };
  const states = new Map<string, NodeRunState>();
  for (const step of outcome.trace) {
    const id = owner(step.nodeLabel);
    if (!id) continue;
    const prev = states.get(id);
    states.set(id, {
      status: !prev || rank[step.status] > rank[prev.status] ? step.status : prev.status,
      durationMs: (prev?.durationMs ?? 0) + step.durationMs,
      error: step.error ?? prev?.error ?? null,
      attempts: Math.max(prev?.attempts ?? 0, step.attempts),
    });
  }
  const at = outcome.error?.nodeLabel ? owner(outcome.error.nodeLabel) : undefined;
  if (at && outcome.error) {
    const prev = states.get(at);
    states.set(at, {
      status: "error",
      durationMs: prev?.durationMs ?? null,
      error: prev?.error ?? outcome.error.message,
      attempts: prev?.attempts ?? 0,
    });
  }
  return states;
}
