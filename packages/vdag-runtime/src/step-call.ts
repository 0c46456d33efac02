import type { TAiosPacket } from "@aios/contracts";
import { connectionFailure, errorCode, parseJson } from "@aios/service-kit";
import type { PlanStep } from "./plan";
import { requestUntilAborted } from "./pools";

/** The deadline and retries of a step (from the controller's configuration). */
export interface StepTiming {
  stepTimeoutMs: number;
  /** Extra attempts of a step whose block could not be reached. */
  retries: number;
}

/** Who took the step: the instance, and the node of the executor that answered (`x-aios-node`). */
interface StepTaker {
  instanceId: string | null;
  nodeId: string | null;
}

export type StepOutcome =
  | ({ ok: true; packet: TAiosPacket; next: string[] | undefined; attempts: number } & StepTaker)
  | ({
      ok: false;
      reason: string;
      attempts: number;
      timedOut: boolean;
      /** Its block could not be reached, or the step ran out of its deadline: health is checked now. */
      unreachable: boolean;
      /** The block refused the step's input as bad (its executor answered 400). */
      badInput?: boolean;
    } & StepTaker);

const headerText = (value: string | string[] | undefined) => (typeof value === "string" ? value : null);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One step: POST /infer to the block's executor, retried (up to `retries` times) when the block
 * could not be reached: a connection error, or 502/503 with `error.stage: "executor"` (the
 * executor had no instance to give it to). One deadline (`stepTimeoutMs`) covers all attempts.
 */
export async function callStep(
  step: PlanStep,
  body: string,
  timing: StepTiming,
  active: Set<AbortController>,
  /** The step span's `traceparent`, sent to the block's executor. */
  traceparent?: string,
): Promise<StepOutcome> {
  const target = step.target;
  if (!target)
    return {
      ok: false,
      reason: "no executor endpoint for its block",
      instanceId: null,
      nodeId: null,
      attempts: 0,
      timedOut: false,
      unreachable: true,
    };
  const ac = new AbortController();
  active.add(ac);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, timing.stepTimeoutMs);
  let attempts = 0;
  let instanceId: string | null = null;
  let nodeId: string | null = null;
  // A step that ran out of its deadline says as much about its block as one that could not reach
  // it (a cut link answers nothing at all): both count as unreachable, so the vDAG's health is
  // checked at once rather than at its next periodic check.
  const failed = (reason: string, unreachable = false, slow = false, badInput = false): StepOutcome => ({
    ok: false,
    reason: timedOut ? `timed out after ${timing.stepTimeoutMs} ms` : reason,
    instanceId,
    nodeId,
    attempts,
    timedOut: timedOut || slow,
    unreachable: unreachable || timedOut,
    ...(badInput ? { badInput } : {}),
  });
  try {
    for (;;) {
      attempts++;
      let res: Awaited<ReturnType<typeof target.pool.request>>;
      try {
        res = await requestUntilAborted(target.pool, {
          path: target.inferPath,
          method: "POST",
          headers: traceparent ? { ...target.inferHeaders, traceparent } : target.inferHeaders,
          body,
          signal: ac.signal,
        });
      } catch (err) {
        if (ac.signal.aborted) return failed("aborted");
        // Failed before the executor could answer: the block could not be reached, the step may retry.
        const failure = connectionFailure(err);
        if (failure !== null) {
          if (attempts <= timing.retries) {
            // A reused keep-alive socket closed under us: retry at once. Others wait a little.
            if (failure !== "reset") await sleep(25 * attempts);
            continue;
          }
          return failed(`executor ${target.endpoint} unreachable (${errorCode(err) ?? failure})`, true);
        }
        return failed(`request to executor ${target.endpoint} failed: ${(err as Error).message}`);
      }
      instanceId = headerText(res.headers["x-aios-instance-id"]);
      nodeId = headerText(res.headers["x-aios-node"]);
      let text: string;
      try {
        text = await res.body.text();
      } catch (err) {
        if (ac.signal.aborted) return failed("aborted");
        return failed(`executor's answer broke off: ${(err as Error).message}`);
      }
      const answer = parseJson(text);
      if (res.statusCode >= 400) {
        const e = (answer as { error?: { message?: unknown; stage?: unknown; instanceId?: unknown } })?.error;
        const stage = typeof e?.stage === "string" ? e.stage : undefined;
        if (instanceId === null && typeof e?.instanceId === "string") instanceId = e.instanceId;
        const message = typeof e?.message === "string" ? e.message : text.slice(0, 200) || "no message";
        const reason = `HTTP ${res.statusCode}${stage ? ` at ${stage}` : ""}: ${message}`;
        if ((res.statusCode === 502 || res.statusCode === 503) && stage === "executor") {
          if (attempts <= timing.retries) {
            await sleep(25 * attempts);
            if (ac.signal.aborted) return failed("aborted");
            continue;
          }
          return failed(reason, true);
        }
        return failed(reason, false, res.statusCode === 504, res.statusCode === 400);
      }
      // A cheap shape check; the instance SDK validated the packet already.
      const a = answer as { packet?: { data?: unknown }; next?: unknown } | undefined;
      const data = a?.packet?.data;
      if (typeof data !== "object" || data === null || Array.isArray(data))
        return failed(`executor answered ${res.statusCode} without {packet: {data: {...}}}`);
      let next: string[] | undefined;
      if (a!.next !== undefined) {
        if (!Array.isArray(a!.next) || !a!.next.every((l) => typeof l === "string"))
          return failed("answer's next is not a list of labels");
        next = a!.next as string[];
      }
      return { ok: true, packet: a!.packet as TAiosPacket, next, instanceId, nodeId, attempts };
    }
  } finally {
    clearTimeout(timer);
    active.delete(ac);
  }
}
