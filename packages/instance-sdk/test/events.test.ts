import type { AddressInfo } from "node:net";
import { MAX_BLOCK_EVENT_DATA_BYTES } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import echo from "../../../examples/components/echo/echo";
import {
  createInstanceServer,
  EventError,
  EventOutbox,
  MAX_PENDING_EVENTS,
  testComponent,
} from "../src/index";

describe("block events from an instance (ctx.emitEvent)", () => {
  it("keeps checked events until they are drained, oldest first", () => {
    const box = new EventOutbox();
    box.emit("progress", { done: 1 });
    box.emit("model.loaded");
    const { events, dropped } = box.drain();
    expect(events.map((e) => [e.name, e.data])).toEqual([
      ["progress", { done: 1 }],
      ["model.loaded", {}],
    ]);
    expect(dropped).toBe(0);
    expect(new Date(events[0]?.at ?? "").getTime()).not.toBeNaN();
    expect(box.drain().events).toEqual([]);
  });

  it("refuses a bad name or data too large, saying why", () => {
    const box = new EventOutbox();
    expect(() => box.emit("9lives")).toThrow(EventError);
    expect(() => box.emit("has space")).toThrow(/must start with a letter/);
    expect(() => box.emit("x".repeat(65))).toThrow(/at most 64/);
    expect(() => box.emit("big", { s: "x".repeat(MAX_BLOCK_EVENT_DATA_BYTES) })).toThrow(
      `the limit is ${MAX_BLOCK_EVENT_DATA_BYTES}`,
    );
    expect(box.size).toBe(0);
  });

  it("drops the oldest past MAX_PENDING_EVENTS and counts them", () => {
    const box = new EventOutbox();
    for (let i = 0; i < MAX_PENDING_EVENTS + 3; i++) box.emit("tick", { i });
    const { events, dropped } = box.drain();
    expect(dropped).toBe(3);
    expect(events).toHaveLength(MAX_PENDING_EVENTS);
    expect(events[0]?.data).toEqual({ i: 3 });
  });

  it("serves the outbox on GET /events to the control token only", async () => {
    const t = await testComponent(echo);
    expect(await t.management("emit", { name: "echo.ping", data: { n: 1 } })).toEqual({
      emitted: "echo.ping",
    });
    await expect(t.management("emit", { name: "bad name" })).rejects.toMatchObject({ status: 422 });
    const server = createInstanceServer(t.host, {
      controlToken: "control-token-0123456789",
      dataToken: null,
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    try {
      expect((await fetch(url)).status).toBe(401);
      const auth = { authorization: "Bearer control-token-0123456789" };
      const first = (await (await fetch(url, { headers: auth })).json()) as { events: unknown[] };
      expect(first).toMatchObject({ events: [{ name: "echo.ping", data: { n: 1 } }], dropped: 0 });
      expect(await (await fetch(url, { headers: auth })).json()).toEqual({ events: [], dropped: 0 });
    } finally {
      server.close();
    }
  });
});
