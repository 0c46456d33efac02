import { type TPolicyCallResult, ZPolicyCallResult } from "@aios/contracts";
import { errorCode } from "@aios/service-kit";
import type { Dispatcher } from "undici";
import { OperationalError, UserError } from "../../errors";
import { WORKLOAD_TARGET_REFUSED } from "../../workload-targets";
import type { ExecutorRegistry, ReachableExecutor } from "./executor.registry";

/** How long the API waits for a deployed executor's answer (its policy's own CPU limit is shorter). */
const CALL_TIMEOUT_MS = 30_000;

export interface ExecutorCall {
  policyRuleURI: string;
  input: unknown;
  settings?: Record<string, unknown> | undefined;
  parameters?: Record<string, unknown> | undefined;
}

/** Why one executor did not answer; the next one may be tried when `tryNext`. */
class Unanswered extends Error {
  constructor(
    message: string,
    readonly tryNext: boolean,
  ) {
    super(message);
  }
}

/**
 * Sends policy calls to deployed executors (`policies.execute` with `executorId` or
 * `executorGroup`). In a group the call goes to the healthy executor with the most room: its
 * reported in-flight calls plus this API process's own, against its capacity. An executor that
 * refuses the connection or says it is full is passed over for the next one; a call it took and
 * then lost (a timeout, a reset) is not sent again, since the policy may have run. The calls go over
 * the API's connections to workloads (`workload-targets.ts`): an executor registered at an address
 * the API does not call is passed over, saying why.
 */
export function createExecutorCalls(registry: ExecutorRegistry, workloads: Dispatcher) {
  /** This process's calls in flight per executor. */
  const inFlight = new Map<string, number>();
  const load = (e: ReachableExecutor) => (e.reportedInFlight + (inFlight.get(e.id) ?? 0)) / e.capacity;

  async function callOne(e: ReachableExecutor, call: ExecutorCall): Promise<TPolicyCallResult> {
    inFlight.set(e.id, (inFlight.get(e.id) ?? 0) + 1);
    try {
      let res: Dispatcher.ResponseData;
      const url = new URL(e.url);
      try {
        res = await workloads.request({
          origin: url.origin,
          path: `${url.pathname.replace(/\/+$/, "")}/execute`,
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${e.callToken}` },
          body: JSON.stringify(call),
          headersTimeout: CALL_TIMEOUT_MS,
          bodyTimeout: CALL_TIMEOUT_MS,
        });
      } catch (err) {
        const code = errorCode(err);
        const refused = code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENOTFOUND";
        const why =
          code === WORKLOAD_TARGET_REFUSED ? (err as Error).message : (code ?? (err as Error).message);
        throw new Unanswered(
          `executor ${e.id} at ${e.url}: ${why}`,
          refused || code === WORKLOAD_TARGET_REFUSED,
        );
      }
      const text = await res.body.text();
      const status = res.statusCode;
      if (status === 503) throw new Unanswered(`executor ${e.id} is at its capacity`, true);
      if (status === 401)
        throw new Unanswered(
          `executor ${e.id} refused the API's call token (was it registered again?)`,
          true,
        );
      if (status !== 200 && status !== 422)
        throw new Unanswered(`executor ${e.id} answered ${status}: ${text.slice(0, 200)}`, false);
      const parsed = ZPolicyCallResult.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new Unanswered(`executor ${e.id} answered something that is no policy result`, false);
      return { ...parsed.data, executorId: e.id };
    } finally {
      inFlight.set(e.id, (inFlight.get(e.id) ?? 1) - 1);
    }
  }

  return {
    async execute(
      target: { executorId?: string | undefined; executorGroup?: string | undefined },
      call: ExecutorCall,
    ): Promise<TPolicyCallResult> {
      let candidates: ReachableExecutor[];
      if (target.executorId !== undefined) {
        await registry.row(target.executorId, "executorId");
        candidates = await registry.reachable({ id: target.executorId });
        if (candidates.length === 0)
          throw new OperationalError(
            `executorId: the executor ${target.executorId} is unreachable (no heartbeat)`,
          );
      } else if (target.executorGroup !== undefined) {
        candidates = await registry.reachable({ group: target.executorGroup });
        if (candidates.length === 0)
          throw new OperationalError(
            `executorGroup: no healthy executor in the group ${JSON.stringify(target.executorGroup)}`,
          );
      } else throw UserError.field("executorId", "give an executorId or an executorGroup");
      // Most room first; ties in random order, so API processes spread their calls.
      candidates.sort((a, b) => load(a) - load(b) || Math.random() - 0.5);
      const reasons: string[] = [];
      for (const e of candidates) {
        if ((inFlight.get(e.id) ?? 0) >= e.capacity) {
          reasons.push(`executor ${e.id} is at its capacity`);
          continue;
        }
        try {
          return await callOne(e, call);
        } catch (err) {
          if (!(err instanceof Unanswered)) throw err;
          reasons.push(err.message);
          if (!err.tryNext) break;
        }
      }
      throw new OperationalError(`the policy call was not run: ${reasons.join("; ")}`);
    },
  };
}

export type ExecutorCalls = ReturnType<typeof createExecutorCalls>;
