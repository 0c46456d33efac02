import { describe, expect, it } from "vitest";
import { createSubscribers, type EventBus } from "../src/domains/events/event-bus";
import { LiveEmitter } from "../src/domains/events/live-emitter";
import {
  decodeEnvelope,
  encodeEnvelope,
  MAX_NOTIFY_BYTES,
  type NotifyEnvelope,
} from "../src/domains/events/notify-envelope";

const envelope = (e: Record<string, unknown>): NotifyEnvelope => ({
  o: "proc-a",
  n: 1,
  t: "blocks.status",
  e,
});
const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("a live event's notification payload", () => {
  it("is the envelope as JSON when it fits, and reads back as it was", () => {
    const e = {
      blockId: "b1",
      status: "running",
      reason: "1 of 1 instance(s) healthy",
      at: "2026-01-01T00:00:00Z",
    };
    const text = encodeEnvelope(envelope(e));
    expect(text).not.toBeNull();
    expect(decodeEnvelope(text as string)).toEqual(envelope(e));
  });

  it("shortens the longest text (a reason) to fit under PostgreSQL's limit, ids kept whole", () => {
    for (const unit of ["x", "é", "😀", '"\\']) {
      const e = { blockId: "b1", status: "failed", reason: unit.repeat(20_000), at: "2026-01-01T00:00:00Z" };
      const text = encodeEnvelope(envelope(e));
      expect(text, `reason made of ${unit}`).not.toBeNull();
      expect(bytes(text as string)).toBeLessThanOrEqual(MAX_NOTIFY_BYTES);
      const back = decodeEnvelope(text as string);
      expect(back?.e).toMatchObject({ blockId: "b1", status: "failed", at: e.at });
      const reason = back?.e.reason as string;
      expect(reason.endsWith("… (shortened)")).toBe(true);
      expect(reason.length).toBeGreaterThan(1_000);
      expect(reason).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no half of a pair
    }
  });

  it("is none when the event is large without any long text to shorten", () => {
    const e = { blockId: "b1", sizes: Array.from({ length: 5_000 }, (_, i) => i) };
    expect(encodeEnvelope(envelope(e))).toBeNull();
  });

  it("ignores a payload that is not an event", () => {
    for (const payload of [
      "",
      "not json",
      "null",
      "[]",
      '{"o":"a","n":1,"t":"x"}',
      '{"o":"a","n":"1","t":"x","e":{}}',
    ]) {
      expect(decodeEnvelope(payload), payload).toBeNull();
    }
  });
});

/** Two processes' buses joined in memory: what one publishes, the other delivers, as PostgreSQL would. */
function joinedBuses() {
  const published: Array<{ from: number; topic: string; event: object }> = [];
  const subscribers = [createSubscribers(() => {}), createSubscribers(() => {})] as const;
  const bus = (self: 0 | 1): EventBus => ({
    publish(topic, event) {
      published.push({ from: self, topic, event });
      subscribers[self === 0 ? 1 : 0].deliver(topic, JSON.parse(JSON.stringify(event)));
    },
    subscribe: (topic, deliver) => subscribers[self].add(topic, deliver),
    listening: async () => {},
    stats: () => ({ state: "listening", published: 0, received: 0, heardOwn: 0, dropped: 0, reconnects: 0 }),
    stop: async () => {},
  });
  return { published, buses: [bus(0), bus(1)] as const };
}

describe("a live emitter", () => {
  it("gives each listener of every process each event once, and publishes it once", () => {
    const { published, buses } = joinedBuses();
    const first = new LiveEmitter(buses[0], "blocks.status");
    const second = new LiveEmitter(buses[1], "blocks.status");
    const heard: Array<[string, unknown]> = [];
    first.on("status", (e) => heard.push(["first", e]));
    second.on("status", (e) => heard.push(["second", e]));
    const event = { blockId: "b1", status: "running", reason: "ok", at: "2026-01-01T00:00:00Z" };
    expect(first.emit("status", event)).toBe(true);
    expect(heard).toEqual([
      ["first", event],
      ["second", event],
    ]);
    expect(published).toEqual([{ from: 0, topic: "blocks.status", event }]);
  });

  it("keeps other events and other topics to itself", () => {
    const { published, buses } = joinedBuses();
    const blocks = new LiveEmitter(buses[0], "blocks.status");
    const vdags = new LiveEmitter(buses[1], "vdags.status");
    const heard: unknown[] = [];
    vdags.on("status", (e) => heard.push(e));
    blocks.emit("other", { blockId: "b1" });
    blocks.emit("status", { blockId: "b1" });
    expect(heard).toEqual([]);
    expect(published.map((p) => p.topic)).toEqual(["blocks.status"]);
  });
});
