import type {
  TBlockEventJob,
  TBlockEventOutcome,
  TBlockEventRecord,
  TPolicyCallResult,
  TPolicyKind,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError, UserError } from "../../errors";
import { checkPolicyValues } from "../policies/policy-contract";
import { policySource } from "../policies/policy-runtime.service";
import type { ClusterQueues } from "../queues/cluster-queues";
import { asObject } from "../registry/doc";
import { actOnEventOutput, type BlockEventActions } from "./block-event-actions";
import { toEventRecord } from "./block-event-record";

/**
 * Jobs waiting in a cluster's queue past which a new event's policy is not queued (its outcome
 * says `event policy queue full`): a cluster whose duty holder is away or behind does not pile up.
 */
export const MAX_PENDING_EVENT_POLICIES = 1000;

export type EventHandler = TBlockEventJob["handler"];

/** The handler a block's spec names for an event (a URI, or `{policyRuleURI, settings?, parameters?}`); null when it names no policy. */
export function eventHandlerOf(ref: unknown): EventHandler | null {
  const uri = typeof ref === "string" ? ref : asObject(ref).policyRuleURI;
  if (typeof uri !== "string" || uri === "") return null;
  if (typeof ref === "string") return { policyRuleURI: uri };
  return {
    policyRuleURI: uri,
    settings: asObject(asObject(ref).settings),
    parameters: asObject(asObject(ref).parameters),
  };
}

/** What the duty holder runs for one event: the policy's code and values (the handler's over its defaults). */
export interface EventPolicySource {
  code: string;
  kind: TPolicyKind;
  settings: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

/**
 * The API's side of the events' policies, which run on their cluster (the agent holding its
 * duties, `block.event` jobs on `cluster.<id>`): each event with a handler is queued there, in the
 * order the events came per block, at most MAX_PENDING_EVENT_POLICIES waiting per cluster; the
 * agent fetches the policy (`work`) and reports its result (`report`), which is stored with the
 * event and acted on (`block-event-actions.ts`, here, where the authority is); a policy that failed
 * adds a `policy_failed` event. An agent reaches the events of its own cluster's blocks only.
 */
export function createEventPolicies(deps: {
  db: Db;
  log: Logger;
  queues: ClusterQueues;
  /**
   * Stores an outcome with its event and tells live views (`quiet`: not yet); with `first`, only
   * when the event has none yet. False when nothing was stored (the event is gone, or `first` lost).
   */
  settle(
    event: TBlockEventRecord,
    outcome: TBlockEventOutcome,
    opts?: { first?: boolean; quiet?: boolean },
  ): Promise<boolean>;
  /** Records platform events of a block (the `policy_failed` of a failed policy). */
  record(
    blockId: string,
    events: Array<{ name: string; source: "platform"; instanceId: string | null; data: unknown }>,
  ): Promise<unknown>;
}) {
  const { db, log, queues } = deps;
  let actions: BlockEventActions | null = null;
  /** Per block: the tail of its hand-overs, so its jobs are queued in the order its events came. */
  const chains = new Map<string, Promise<void>>();

  /** Stores the outcome; a failed policy adds `policy_failed` (not handed to that policy again). */
  async function conclude(event: TBlockEventRecord, outcome: TBlockEventOutcome) {
    await deps.settle(event, outcome);
    if (!outcome.ok) await failed(event, outcome);
  }
  const failed = (event: TBlockEventRecord, outcome: TBlockEventOutcome) =>
    deps
      .record(event.blockId, [
        {
          name: "policy_failed",
          source: "platform",
          instanceId: event.instanceId,
          data: {
            eventId: event.id,
            eventName: event.name,
            policyRuleURI: outcome.policyRuleURI,
            error: outcome.error,
          },
        },
      ])
      .catch((err: Error) =>
        log.warn("policy_failed not stored", { blockId: event.blockId, err: err.message }),
      );

  async function queueAll(items: Array<{ event: TBlockEventRecord; ref: unknown }>) {
    let room: number | null = null;
    /** Why the queues refused this batch: the rest of it is not tried again (each try may take seconds). */
    let refused: string | null = null;
    for (const { event, ref } of items) {
      const handler = eventHandlerOf(ref);
      if (!handler) {
        const error = `blockInitData.events.${event.name}: names no policyRuleURI`;
        await conclude(event, { policyRuleURI: "", ok: false, error });
        continue;
      }
      // Not run, so no policy_failed: the outcome says why.
      const skip = (error: string) =>
        deps.settle(event, { policyRuleURI: handler.policyRuleURI, ok: false, error });
      const clusterId = event.clusterId;
      if (!clusterId || refused) {
        await skip(refused ?? "the block has no cluster to run its event policy");
        continue;
      }
      try {
        room ??= MAX_PENDING_EVENT_POLICIES - (await queues.backlog(clusterId));
        if (room <= 0) {
          log.warn("event policy queue full; policy skipped", { blockId: event.blockId, eventId: event.id });
          await skip("event policy queue full");
          continue;
        }
        await queues.enqueue(clusterId, { type: "block.event", event, handler });
        room--;
      } catch (err) {
        log.warn("event policy not queued", { blockId: event.blockId, err: (err as Error).message });
        refused = `event policy not queued: ${(err as Error).message}`;
        await skip(refused);
      }
    }
  }

  /** The event, if it is still kept, once the caller may reach its cluster. */
  async function eventFor(eventId: number, scope: string | null) {
    const row = await db.blockEvent.findUnique({ where: { id: eventId } });
    if (!row) return null;
    assertClusterScope(scope, row.clusterId, `event ${eventId} of block ${row.blockId}`);
    return toEventRecord(row);
  }

  return {
    /** What an event policy's output may do (set once the block services exist). */
    actWith(a: BlockEventActions) {
      actions = a;
    },

    /** Queues the policies of a block's new events (`ref`: the handler the block's spec names), never throwing. */
    handOver(blockId: string, items: Array<{ event: TBlockEventRecord; ref: unknown }>): Promise<void> {
      const tail = chains.get(blockId) ?? Promise.resolve();
      const next = tail
        .then(() => queueAll(items))
        .catch((err: Error) => log.warn("event policies not queued", { blockId, err: err.message }))
        .finally(() => {
          if (chains.get(blockId) === next) chains.delete(blockId);
        });
      chains.set(blockId, next);
      return next;
    },

    /**
     * The policy the duty holder runs for a queued event; null when nothing is left to run: the
     * event is gone (newer ones pushed it out), has its outcome already (a retried job), or its
     * policy cannot run (no such policy, values it refuses: stored as its failed outcome, as a run's).
     */
    async work(eventId: number, handler: EventHandler, scope: string | null) {
      const event = await eventFor(eventId, scope);
      if (!event || event.outcome) return { source: null };
      const { policyRuleURI } = handler;
      try {
        await checkPolicyValues(db, policyRuleURI, handler);
        const stored = await policySource(db, policyRuleURI);
        const source: EventPolicySource = {
          code: stored.code,
          kind: stored.kind,
          settings: { ...stored.settings, ...handler.settings },
          parameters: { ...stored.parameters, ...handler.parameters },
        };
        return { source };
      } catch (err) {
        if (!(err instanceof NotFoundError || err instanceof UserError)) throw err;
        await conclude(event, { policyRuleURI, ok: false, error: err.message });
        return { source: null };
      }
    },

    /**
     * The result of an event's policy, reported by the duty holder: stored with the event, its
     * output's action done, `policy_failed` added when it failed. Once per event: a second report
     * (a retried job) stores and does nothing. An event gone meanwhile is not acted on.
     */
    async report(eventId: number, policyRuleURI: string, result: TPolicyCallResult, scope: string | null) {
      const event = await eventFor(eventId, scope);
      if (!event || event.outcome) return { stored: false, outcome: event?.outcome ?? null };
      let outcome: TBlockEventOutcome = result.ok
        ? { policyRuleURI, ok: true, ...(result.output !== undefined ? { output: result.output } : {}) }
        : { policyRuleURI, ok: false, error: result.error?.message ?? "the policy failed" };
      // Claimed before acting, so two reports of one event never act twice.
      if (!(await deps.settle(event, outcome, { first: true, quiet: true }))) {
        return { stored: false, outcome: null };
      }
      if (outcome.ok && actions) {
        const action = await actOnEventOutput(actions, event.blockId, outcome.output);
        if (action) outcome = { ...outcome, action };
      }
      await deps.settle(event, outcome);
      if (!outcome.ok) await failed(event, outcome);
      return { stored: true, outcome };
    },
  };
}

export type EventPolicies = ReturnType<typeof createEventPolicies>;
