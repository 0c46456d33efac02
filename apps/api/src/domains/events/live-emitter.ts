import { EventEmitter } from "node:events";
import type { EventBus } from "./event-bus";

/**
 * An EventEmitter whose `eventName` events also reach the emitter of the same `topic` in every
 * other API process, through the bus. Emitting stays what it was: this process's listeners hear
 * the event at once; the bus then carries it to the others, which emit it to theirs. The bus never
 * hands a process its own event back, so each listener hears each event once.
 */
export class LiveEmitter extends EventEmitter {
  constructor(
    private readonly bus: EventBus,
    readonly topic: string,
    private readonly eventName: string = "status",
  ) {
    super();
    // Every open live view (an SSE subscription) is a listener; there may be many.
    this.setMaxListeners(0);
    bus.subscribe(topic, (event) => super.emit(eventName, event));
  }

  override emit(name: string | symbol, ...args: unknown[]): boolean {
    const heard = super.emit(name, ...args);
    if (name === this.eventName && typeof args[0] === "object" && args[0] !== null) {
      this.bus.publish(this.topic, args[0]);
    }
    return heard;
  }
}
