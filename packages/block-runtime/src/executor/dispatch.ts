import type { TAiosPacket, TTaskError } from "@aios/contracts";
import { type ConnectionFailure, connectionFailure, errorCode } from "@aios/service-kit";
import type { InstanceRecord, Mapper } from "../mapper";
import { type Balancer, untried } from "./balancer";

export type TaskOutcome =
  | "ok"
  | "instance_error"
  | "timeout"
  | "no_instance"
  | "unreachable"
  | "bad_request"
  | "executor_error";

export interface DispatchResult {
  status: number;
  body: Buffer | string;
  contentType: string;
  outcome: TaskOutcome;
  instanceId?: string;
  /** Instances tried (1 unless connections were refused or reset before any answer). */
  attempts: number;
}

export function taskError(
  status: number,
  outcome: TaskOutcome,
  error: TTaskError["error"],
  attempts = 0,
): DispatchResult {
  return {
    status,
    body: JSON.stringify({ error }),
    contentType: "application/json",
    outcome,
    attempts,
    ...(error.instanceId ? { instanceId: error.instanceId } : {}),
  };
}

export interface DispatcherDeps {
  mapper: Mapper;
  balancer: Balancer;
  timeoutMs: number;
  /** How long to wait for a healthy instance while the block's instances are all starting (0: none). */
  healthyWaitMs?: number;
  /** An instance could not be reached, or dropped the connection before answering (see ConnectionFailure). */
  onUnreachable(record: InstanceRecord, failure: ConnectionFailure): void;
}

/** Resolves true when an instance turns healthy or the list changes, false at `until` or on abort. */
function healthyOrChange(mapper: Mapper, until: number, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const done = (result: boolean) => {
      clearTimeout(timer);
      mapper.off("state", onState);
      mapper.off("changed", onChanged);
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onState = (r: InstanceRecord) => r.state === "healthy" && done(true);
    const onChanged = () => done(true);
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), Math.max(0, until - Date.now()));
    mapper.on("state", onState);
    mapper.on("changed", onChanged);
    signal.addEventListener("abort", onAbort);
  });
}

/**
 * Sends one task to one instance and returns its answer unchanged. A refused connection or a reset
 * before any response moves the task to another instance (each instance at most once); once an
 * instance started answering the task is never retried. One deadline covers the whole task.
 */
export async function dispatch(
  deps: DispatcherDeps,
  raw: Buffer,
  packet: TAiosPacket,
  /** The task's `traceparent`, sent on to the instance (`@aios/service-kit` tracing). */
  traceparent?: string,
): Promise<DispatchResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), deps.timeoutMs);
  const tried = new Set<InstanceRecord>();
  const failures: string[] = [];
  const timedOut = (instanceId?: string) =>
    taskError(
      504,
      "timeout",
      {
        message: `task took longer than ${deps.timeoutMs} ms`,
        stage: "timeout",
        ...(instanceId ? { instanceId } : {}),
      },
      tried.size,
    );
  try {
    const waitUntil = Date.now() + (deps.healthyWaitMs ?? 0);
    for (;;) {
      const record = await deps.balancer.pick(untried(deps.mapper.healthy(), tried), packet);
      if (abort.signal.aborted) return timedOut();
      if (!record) {
        // The block has instances, none healthy now (starting, restarting under their ids in a
        // rolling update, or just gone): the task waits for one, within healthyWaitMs.
        if (
          deps.mapper.active().length > 0 &&
          Date.now() < waitUntil &&
          (await healthyOrChange(deps.mapper, waitUntil, abort.signal))
        ) {
          for (const r of deps.mapper.healthy()) tried.delete(r); // back since it failed: try it again
          continue;
        }
        if (abort.signal.aborted) return timedOut();
        break;
      }
      tried.add(record);
      if (record.state !== "healthy") continue;
      const started = performance.now();
      let ok = false;
      record.inFlight++;
      try {
        let res: Awaited<ReturnType<typeof record.pool.request>>;
        try {
          res = await record.pool.request({
            path: `${record.basePath}/infer`,
            method: "POST",
            headers: traceparent ? { ...record.inferHeaders, traceparent } : record.inferHeaders,
            body: raw,
            signal: abort.signal,
          });
        } catch (err) {
          if (abort.signal.aborted) return timedOut(record.id);
          // A connection that failed before any answer: the task never ran there, another may take it.
          const failure = connectionFailure(err);
          if (failure === null) {
            return taskError(
              502,
              "executor_error",
              {
                message: `request to instance failed: ${(err as Error).message}`,
                stage: "executor",
                instanceId: record.id,
              },
              tried.size,
            );
          }
          failures.push(`${record.id}: ${errorCode(err) ?? failure}`);
          deps.onUnreachable(record, failure);
          continue;
        }
        try {
          const body = Buffer.from(await res.body.arrayBuffer());
          ok = res.statusCode < 400;
          const contentType = res.headers["content-type"];
          return {
            status: res.statusCode,
            body,
            contentType: typeof contentType === "string" ? contentType : "application/json",
            outcome: ok ? "ok" : "instance_error",
            instanceId: record.id,
            attempts: tried.size,
          };
        } catch (err) {
          if (abort.signal.aborted) return timedOut(record.id);
          return taskError(
            502,
            "executor_error",
            {
              message: `instance's answer broke off: ${(err as Error).message}`,
              stage: "executor",
              instanceId: record.id,
            },
            tried.size,
          );
        }
      } finally {
        record.stats.record(performance.now() - started, ok);
        deps.mapper.release(record);
      }
    }
    if (failures.length === 0) {
      return taskError(503, "no_instance", { message: "no healthy instance", stage: "executor" });
    }
    return taskError(
      503,
      "unreachable",
      {
        message: `no instance reachable (${failures.join(", ")})`,
        stage: "executor",
      },
      tried.size,
    );
  } finally {
    clearTimeout(timer);
  }
}
