import {
  BLOCK_EVENT_NAME,
  MAX_BLOCK_EVENT_DATA_BYTES,
  type TInstanceEventsReply,
  ZBlockEventData,
} from "@aios/contracts";

/** Events kept until the agent drains them; past it the oldest are dropped (and counted). */
export const MAX_PENDING_EVENTS = 1000;

export class EventError extends Error {
  override readonly name = "EventError";
}

/**
 * The instance's events on their way to the platform (`ctx.emitEvent`): kept here until its
 * node's agent drains them (`GET /events`, with the instance's control token) and forwards them
 * with its next report to the API, which stores them and runs the block's event policy for each.
 */
export class EventOutbox {
  private pending: TInstanceEventsReply["events"] = [];
  private dropped = 0;

  /** Checks and keeps one event; throws an EventError naming what is wrong. */
  emit(name: string, data: unknown = {}): void {
    if (typeof name !== "string" || !BLOCK_EVENT_NAME.test(name))
      throw new EventError(
        `event name ${JSON.stringify(name)}: must start with a letter, then letters, digits, _ . - (at most 64)`,
      );
    const checked = ZBlockEventData.safeParse(data);
    if (!checked.success)
      throw new EventError(
        `event ${name}: data must be JSON of at most ${MAX_BLOCK_EVENT_DATA_BYTES} bytes (${checked.error.issues[0]?.message ?? "not JSON"})`,
      );
    this.pending.push({ name, data: checked.data, at: new Date().toISOString() });
    if (this.pending.length > MAX_PENDING_EVENTS) {
      this.pending.shift();
      this.dropped++;
    }
  }

  /** Everything kept so far (oldest first), emptied; with how many were dropped since the last drain. */
  drain(): TInstanceEventsReply {
    const reply = { events: this.pending, dropped: this.dropped };
    this.pending = [];
    this.dropped = 0;
    return reply;
  }

  get size(): number {
    return this.pending.length;
  }
}
