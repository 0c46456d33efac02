import type { EventEmitter } from "node:events";
import type { TBlockEventOutcome, TBlockEventRecord, TInstanceBlockEvent } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import { NotFoundError } from "../../errors";
import type { ClusterQueues } from "../queues/cluster-queues";
import { asObject } from "../registry/doc";
import { createEventPolicies } from "./block-event-policies";
import { forLiveViews, toEventRecord } from "./block-event-record";

/** The events kept per block: older ones are deleted as new ones come. */
export const MAX_EVENTS_PER_BLOCK = 500;

/** A platform event, told on the blocks' emitter (`"blockEvent"`, this process only) by the services that see it. */
export interface PlatformBlockEvent {
  blockId: string;
  name: string;
  data?: Record<string, unknown>;
  instanceId?: string | null;
}

export type Happened = Omit<PlatformBlockEvent, "blockId">;

/**
 * `by` of the scaling a block's event policy asked for. Such an event is stored and shown, and not
 * handed to event policies: a policy that scales on `scaled_up` would otherwise trigger itself.
 */
export const EVENT_POLICY_ACTOR = "event_policy";

/** `scaled_up` / `scaled_down` when the desired count moved (`from` null: nothing was asked). */
export function scaledEvent(from: number | null, to: number, by: string, removed?: string[]): Happened[] {
  if (from === null || from === to) return [];
  const data = { from, to, by, ...(removed?.length && to < from ? { removed } : {}) };
  return [{ name: to > from ? "scaled_up" : "scaled_down", data }];
}

export interface NewBlockEvent {
  name: string;
  data?: unknown;
  instanceId?: string | null | undefined;
  source: "platform" | "instance";
  /** When it happened (ISO); now otherwise. */
  at?: string | undefined;
}

const validDate = (at: string | undefined) => {
  const d = at ? new Date(at) : new Date();
  return Number.isNaN(d.getTime()) ? new Date() : d;
};

/**
 * The block events registry: stores each event of a block (bounded), tells live views (`"event"`
 * on `live`, heard by every API process), and hands each event that has a handler in the block's
 * spec (`blockInitData.events[name]`, else `blockInitData.events["*"]`: a policy URI or
 * `{policyRuleURI, settings?, parameters?}`) to its cluster, whose duty holder runs the `event`
 * policy and reports back (`block-event-policies.ts`). The output is stored with the event, and
 * may ask for an action (`block-event-actions.ts`); a policy that fails adds a `policy_failed` event.
 */
export function createBlockEvents(deps: {
  db: Db;
  log: Logger;
  /** Where new and updated events are told (a LiveEmitter of topic `blocks.events`, event `event`). */
  live: EventEmitter;
  /** The cluster queues the events' policies are queued on (`block.event`). */
  queues: ClusterQueues;
}) {
  const { db, log, live } = deps;
  const inFlight = new Set<Promise<unknown>>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };

  async function record(blockId: string, events: NewBlockEvent[]): Promise<TBlockEventRecord[]> {
    if (events.length === 0) return [];
    const block = await db.block.findUnique({
      where: { id: blockId },
      select: { clusterId: true, doc: true },
    });
    if (!block) throw new NotFoundError("block", blockId);
    const rows = await db.blockEvent.createManyAndReturn({
      data: events.map((e) => ({
        blockId,
        instanceId: e.instanceId ?? null,
        clusterId: block.clusterId,
        name: e.name,
        data: (e.data ?? {}) as Prisma.InputJsonValue,
        source: e.source,
        createdAt: validDate(e.at),
      })),
    });
    rows.sort((a, b) => a.id - b.id);
    await db.$executeRaw`
      DELETE FROM block_events
       WHERE block_id = ${blockId} AND id <= (
             SELECT id FROM block_events WHERE block_id = ${blockId}
              ORDER BY id DESC OFFSET ${MAX_EVENTS_PER_BLOCK} LIMIT 1)`;
    const records = rows.map(toEventRecord);
    for (const r of records) live.emit("event", forLiveViews(r));
    const handlers = asObject(asObject(asObject(block.doc).blockInitData).events);
    const handled: Array<{ event: TBlockEventRecord; ref: unknown }> = [];
    for (const r of records) {
      const ref = handlers[r.name] ?? handlers["*"];
      // No loops: a failed policy's own policy_failed is not handled by that policy again, and
      // what an event policy's own action caused is not handed to event policies.
      const data = asObject(r.data);
      if (ref === undefined || (r.name === "policy_failed" && data.eventName === "policy_failed")) continue;
      if (data.by === EVENT_POLICY_ACTOR) continue;
      handled.push({ event: r, ref });
    }
    // Off the caller's path: queued on the block's cluster, in order per block.
    if (handled.length > 0) void track(policies.handOver(blockId, handled));
    return records;
  }

  /** Stores the outcome with the event (gone already when newer events pushed it out) and tells live views. */
  async function settle(
    event: TBlockEventRecord,
    outcome: TBlockEventOutcome,
    opts: { first?: boolean; quiet?: boolean } = {},
  ): Promise<boolean> {
    const json = JSON.stringify(outcome);
    const count = opts.first
      ? await db.$executeRaw`UPDATE block_events SET outcome = ${json}::jsonb WHERE id = ${event.id} AND outcome IS NULL`
      : await db.$executeRaw`UPDATE block_events SET outcome = ${json}::jsonb WHERE id = ${event.id}`;
    if (count > 0 && !opts.quiet) live.emit("event", forLiveViews({ ...event, outcome }));
    return count > 0;
  }

  const policies = createEventPolicies({ db, log, queues: deps.queues, settle, record });

  /** Records events and never throws: a failure is logged (reports must not fail for an event). */
  function emit(blockId: string, events: NewBlockEvent[]): void {
    void track(
      record(blockId, events).catch((err: Error) =>
        log.warn("block event not stored", { blockId, events: events.map((e) => e.name), err: err.message }),
      ),
    );
  }

  return {
    /** New and settled events (`"event"`), for live views. */
    live,
    record,
    emit,
    /**
     * Events the instances of `nodeId` emitted, forwarded by its agent with its report (never
     * throws); those of an instance the block does not have on that node are dropped.
     */
    fromInstances(blockId: string, nodeId: string, events: TInstanceBlockEvent[] | undefined): void {
      if (!events?.length) return;
      const stored = async () => {
        const rows = await db.instance.findMany({ where: { blockId, nodeId }, select: { id: true } });
        const known = new Set(rows.map((i) => i.id));
        const mine = events.filter((e) => known.has(e.instanceId));
        if (mine.length < events.length)
          log.warn("events of unknown instances dropped", {
            blockId,
            nodeId,
            dropped: events.length - mine.length,
          });
        await record(
          blockId,
          mine.map((e) => ({
            name: e.name,
            data: e.data,
            instanceId: e.instanceId,
            source: "instance",
            at: e.at,
          })),
        );
      };
      void track(
        stored().catch((err: Error) => log.warn("instance events not stored", { blockId, err: err.message })),
      );
    },
    /** The block's events, newest first, `limit` at most, older than `beforeId` when given. */
    async list(blockId: string, opts: { limit?: number | undefined; beforeId?: number | undefined } = {}) {
      const rows = await db.blockEvent.findMany({
        where: { blockId, ...(opts.beforeId !== undefined ? { id: { lt: opts.beforeId } } : {}) },
        orderBy: { id: "desc" },
        take: opts.limit ?? 50,
      });
      return rows.map(toEventRecord);
    },
    /** The events' policies: what their output may do (`actWith`), the duty holders' work and reports. */
    policies,
    /** Listens for platform events on the blocks' emitter (`"blockEvent"`). */
    listen(emitter: EventEmitter) {
      emitter.on("blockEvent", (e: PlatformBlockEvent) =>
        emit(e.blockId, [
          { name: e.name, data: e.data ?? {}, instanceId: e.instanceId ?? null, source: "platform" },
        ]),
      );
    },
    /** Resolves once every event told so far is stored and its policy queued (tests, shutdown). */
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type BlockEvents = ReturnType<typeof createBlockEvents>;
