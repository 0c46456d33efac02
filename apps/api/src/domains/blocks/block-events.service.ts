import type { EventEmitter } from "node:events";
import type {
  TBlockEventOutcome,
  TBlockEventRecord,
  TInstanceBlockEvent,
  TPolicyCallResult,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import { NotFoundError } from "../../errors";
import { asObject } from "../registry/doc";
import { actOnEventOutput, type BlockEventActions } from "./block-event-actions";

/** The events kept per block: older ones are deleted as new ones come. */
export const MAX_EVENTS_PER_BLOCK = 500;
/** Event policies waiting to run in this API process, over all blocks; past it an event's policy is skipped. */
export const MAX_PENDING_EVENT_POLICIES = 1000;

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

type Row = Prisma.BlockEventGetPayload<object>;
type Execute = (
  uri: string,
  input: unknown,
  overrides: { settings?: object; parameters?: object },
) => Promise<TPolicyCallResult>;

const toRecord = (r: Row): TBlockEventRecord => ({
  id: r.id,
  blockId: r.blockId,
  instanceId: r.instanceId,
  clusterId: r.clusterId,
  name: r.name,
  data: r.data as TBlockEventRecord["data"],
  source: r.source === "instance" ? "instance" : "platform",
  outcome: (r.outcome as TBlockEventOutcome | null) ?? null,
  createdAt: r.createdAt.toISOString(),
});

/** The largest data or output a live event carries as is (the live bus's notices are small). */
const LIVE_VALUE_BYTES = 1024;
const small = <T>(v: T): T | { truncated: true; bytes: number } => {
  const bytes = Buffer.byteLength(JSON.stringify(v) ?? "");
  return bytes > LIVE_VALUE_BYTES ? { truncated: true, bytes } : v;
};
/** An event for live views: large data or policy output shortened (`blocks.events` has them whole). */
const forLiveViews = (e: TBlockEventRecord): TBlockEventRecord => ({
  ...e,
  data: small(e.data),
  outcome: e.outcome
    ? { ...e.outcome, output: small(e.outcome.output), action: small(e.outcome.action) }
    : null,
});

const validDate = (at: string | undefined) => {
  const d = at ? new Date(at) : new Date();
  return Number.isNaN(d.getTime()) ? new Date() : d;
};

/**
 * The block-events processor of this API process: stores each event of a block (bounded), tells
 * live views (`"event"` on `live`, heard by every API process), and runs the block's `event`
 * policy for it (`blockInitData.events[name]`, else `blockInitData.events["*"]`: a policy URI or
 * `{policyRuleURI, settings?, parameters?}`) off the request path, one at a time per block in the
 * order the events came. The output is stored with the event, and may ask for an action
 * (`block-event-actions.ts`); a policy that fails adds a `policy_failed` event.
 */
export function createBlockEvents(deps: {
  db: Db;
  log: Logger;
  /** Where new and updated events are told (a LiveEmitter of topic `blocks.events`, event `event`). */
  live: EventEmitter;
  execute: Execute;
}) {
  const { db, log, live } = deps;
  let actions: BlockEventActions | null = null;
  /** Per block: the tail of its chain of policy runs. */
  const chains = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<unknown>>();
  let pending = 0;

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
    const records = rows.map(toRecord);
    for (const r of records) live.emit("event", forLiveViews(r));
    const handlers = asObject(asObject(asObject(block.doc).blockInitData).events);
    for (const r of records) {
      const ref = handlers[r.name] ?? handlers["*"];
      // No loops: a failed policy's own policy_failed is not handled by that policy again, and
      // what an event policy's own action caused is not handed to event policies.
      const data = asObject(r.data);
      if (ref === undefined || (r.name === "policy_failed" && data.eventName === "policy_failed")) continue;
      if (data.by === EVENT_POLICY_ACTOR) continue;
      schedule(r, ref);
    }
    return records;
  }

  function schedule(event: TBlockEventRecord, ref: unknown) {
    if (pending >= MAX_PENDING_EVENT_POLICIES) {
      log.warn("event policy queue full; policy skipped", { blockId: event.blockId, eventId: event.id });
      void track(
        settle(event, { policyRuleURI: uriOf(ref) ?? "", ok: false, error: "event policy queue full" }),
      );
      return;
    }
    pending++;
    const tail = chains.get(event.blockId) ?? Promise.resolve();
    const next = tail
      .then(() => runPolicy(event, ref))
      .catch((err: Error) =>
        log.warn("event policy run failed", { blockId: event.blockId, err: err.message }),
      )
      .finally(() => {
        pending--;
        if (chains.get(event.blockId) === next) chains.delete(event.blockId);
      });
    chains.set(event.blockId, next);
    void track(next);
  }

  const uriOf = (ref: unknown): string | null =>
    typeof ref === "string"
      ? ref
      : typeof asObject(ref).policyRuleURI === "string"
        ? (asObject(ref).policyRuleURI as string)
        : null;

  async function runPolicy(event: TBlockEventRecord, ref: unknown) {
    const uri = uriOf(ref);
    let outcome: TBlockEventOutcome;
    if (!uri) {
      outcome = {
        policyRuleURI: "",
        ok: false,
        error: `blockInitData.events.${event.name}: names no policyRuleURI`,
      };
    } else {
      const input = {
        blockId: event.blockId,
        ...(event.instanceId ? { instanceId: event.instanceId } : {}),
        ...(event.clusterId ? { clusterId: event.clusterId } : {}),
        eventName: event.name,
        eventData: event.data,
      };
      const overrides = {
        settings: asObject(asObject(ref).settings),
        parameters: asObject(asObject(ref).parameters),
      };
      try {
        const r = await deps.execute(uri, input, overrides);
        outcome = r.ok
          ? { policyRuleURI: uri, ok: true, ...(r.output !== undefined ? { output: r.output } : {}) }
          : { policyRuleURI: uri, ok: false, error: r.error?.message ?? "the policy failed" };
      } catch (err) {
        outcome = { policyRuleURI: uri, ok: false, error: (err as Error).message };
      }
      if (outcome.ok && actions) {
        const action = await actOnEventOutput(actions, event.blockId, outcome.output);
        if (action) outcome.action = action;
      }
    }
    await settle(event, outcome);
    if (!outcome.ok)
      await record(event.blockId, [
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
      ]);
  }

  /** Stores the outcome with the event (gone already when newer events pushed it out) and tells live views. */
  async function settle(event: TBlockEventRecord, outcome: TBlockEventOutcome) {
    const { count } = await db.blockEvent.updateMany({
      where: { id: event.id },
      data: { outcome: outcome as unknown as Prisma.InputJsonValue },
    });
    if (count > 0) live.emit("event", forLiveViews({ ...event, outcome }));
  }

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
      return rows.map(toRecord);
    },
    /** What an event policy's output may do (set once the block services exist). */
    actWith(a: BlockEventActions) {
      actions = a;
    },
    /** Listens for platform events on the blocks' emitter (`"blockEvent"`). */
    listen(emitter: EventEmitter) {
      emitter.on("blockEvent", (e: PlatformBlockEvent) =>
        emit(e.blockId, [
          { name: e.name, data: e.data ?? {}, instanceId: e.instanceId ?? null, source: "platform" },
        ]),
      );
    },
    /** Resolves once every event told so far is stored and its policy ran (tests, shutdown). */
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type BlockEvents = ReturnType<typeof createBlockEvents>;
