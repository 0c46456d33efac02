import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sqlOf } from "@aios/db";
import { beforeAll, describe, expect, it } from "vitest";
import type { BlockStatusEvent } from "../src/domains/blocks/block-lifecycle.service";
import type { VdagStatusEvent } from "../src/domains/vdags/vdag.service";
import { doc, reportPlaced } from "./harness";
import { openSse } from "./sse";
import { useTwoApis } from "./two-apis";

const components = resolve(import.meta.dirname, "../../../examples/specs/components.json");
const WAIT = { timeout: 20_000 };

describe("live status events across two API processes on one database", () => {
  const { apis } = useTwoApis();
  const clusterId = `live-${Date.now().toString(36)}`;
  const nodeId = `${clusterId}-n1`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  /**
   * Opens `path` over SSE on `api` and waits until its emitter has the subscription's listener;
   * `close` waits until the server has let it go again, so the next test counts from there.
   */
  const subscribe = async <T>(
    emitter: { listenerCount(name: string): number },
    url: string,
    path: string,
    input?: unknown,
  ) => {
    const before = emitter.listenerCount("status");
    const stream = openSse<T>(url, path, input);
    await stream.connected;
    await expect.poll(() => emitter.listenerCount("status"), WAIT).toBe(before + 1);
    return {
      events: stream.events,
      close: async () => {
        stream.close();
        await expect.poll(() => emitter.listenerCount("status"), WAIT).toBe(before);
      },
    };
  };
  const createBlock = async (blockId: string) => {
    const [first] = apis;
    await first?.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId,
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    });
  };

  beforeAll(async () => {
    const [first] = apis;
    for (const document of JSON.parse(readFileSync(components, "utf8")) as unknown[]) {
      await first?.caller().parser.applySpec({ document });
    }
    await first?.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: nodeId, vcpus: 4, memoryMb: 8192, storageMb: 10_000, cpuModel: "test", gpus: [] },
    });
  });

  it("streams a block's status changes made through the first to a subscription on the second, and each once to the first's own listeners", async () => {
    const [first, second] = apis as [(typeof apis)[0], (typeof apis)[0]];
    const stream = await subscribe<BlockStatusEvent>(
      second.services.blockLifecycle.events,
      second.url,
      "blocks.onStatus",
      { blockId: "across" },
    );
    const heardByFirst: BlockStatusEvent[] = [];
    first.services.blockLifecycle.events.on("status", (e: BlockStatusEvent) => {
      if (e.blockId === "across") heardByFirst.push(e);
    });

    await createBlock("across");
    await reportPlaced(first.caller(agent), "across", nodeId);
    await reportPlaced(first.caller(agent), "across", nodeId, { health: "healthy" });
    await first.caller().blocks.remove({ id: "across" });

    await expect.poll(() => stream.events.length, WAIT).toBe(4);
    await stream.close();
    const seen = stream.events.map((e) => e.data);
    expect(seen.map(({ status, reason }) => ({ status, reason }))).toEqual([
      { status: "pending", reason: "waiting for the cluster agent" },
      { status: "deploying", reason: "starting 1 instance(s)" },
      { status: "running", reason: "1 of 1 instance(s) healthy" },
      { status: "removing", reason: "removal requested" },
    ]);
    // The very events the first emitted (same time, so the same tracked ids), not copies made up on the way.
    expect(seen).toEqual(heardByFirst);
    expect(stream.events.map((e) => e.id)).toEqual(heardByFirst.map((e) => `across@${e.at}`));
    // Once the first has heard its own notifications back, its listeners still heard each event once.
    const published = first.bus.stats().published;
    expect(published).toBeGreaterThanOrEqual(4);
    await expect.poll(() => first.bus.stats().heardOwn, WAIT).toBeGreaterThanOrEqual(published);
    expect(heardByFirst).toHaveLength(4);
    expect(second.bus.stats().received).toBeGreaterThanOrEqual(4);
  });

  it("streams a vDAG created and removed through the first to a subscription on the second", async () => {
    const [first, second] = apis as [(typeof apis)[0], (typeof apis)[0]];
    await createBlock("for-vdag");
    await reportPlaced(first.caller(agent), "for-vdag", nodeId, { health: "healthy" });
    const stream = await subscribe<VdagStatusEvent>(
      second.services.vdags.events,
      second.url,
      "vdags.onStatus",
    );

    await first.caller().parser.applySpec({
      document: doc("createvDAG", {
        vdagName: "across",
        vdagVersion: { version: "1.0.0", "release-tag": "stable" },
        nodes: [{ spec: { values: { nodeLabel: "a", manualBlockId: "for-vdag" } } }],
        graph: { connections: [] },
      }),
    });
    await first.caller().vdags.remove({ vdagURI: "across:1.0.0-stable" });

    await expect.poll(() => stream.events.length, WAIT).toBe(2);
    await stream.close();
    const [created, removed] = stream.events.map((e) => e.data);
    expect(created).toMatchObject({ vdagURI: "across:1.0.0-stable", status: "assigned" });
    expect(created?.reason).toMatch(new RegExp(`^controller \\S+ placed on cluster ${clusterId}$`));
    expect(removed).toMatchObject({
      vdagURI: "across:1.0.0-stable",
      status: "removed",
      reason: "removal requested",
    });
    expect(Number.isNaN(Date.parse(removed?.at ?? ""))).toBe(false);
  });

  it("hears events again after its listening connection is terminated: the same subscription goes on", async () => {
    const [first, second] = apis as [(typeof apis)[0], (typeof apis)[0]];
    const stream = await subscribe<BlockStatusEvent>(
      second.services.blockLifecycle.events,
      second.url,
      "blocks.onStatus",
      { blockId: "after-cut" },
    );
    const sql = sqlOf(first.services.db);
    const listenerPid = async () =>
      (
        await sql.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
          [`aios-live-events ${second.bus.origin}`],
        )
      ).map((r) => r.pid);
    const [pid] = await listenerPid();
    expect(pid).toBeTypeOf("number");
    const reconnects = second.bus.stats().reconnects;

    const [terminated] = await sql.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [pid]);
    expect(terminated?.ok).toBe(true);
    await expect.poll(() => second.bus.stats().reconnects, WAIT).toBeGreaterThan(reconnects);
    await second.bus.listening();
    const [newPid] = await listenerPid();
    expect(newPid).toBeTypeOf("number");
    expect(newPid).not.toBe(pid);

    await createBlock("after-cut");
    await expect.poll(() => stream.events.length, WAIT).toBeGreaterThanOrEqual(1);
    await stream.close();
    expect(stream.events[0]?.data).toMatchObject({
      blockId: "after-cut",
      status: "pending",
      reason: "waiting for the cluster agent",
    });
  });

  it("carries an event whose reason is too long for one notification with the reason shortened", async () => {
    const [first, second] = apis as [(typeof apis)[0], (typeof apis)[0]];
    const stream = await subscribe<BlockStatusEvent>(
      second.services.blockLifecycle.events,
      second.url,
      "blocks.onStatus",
      { blockId: "long-reason" },
    );
    const event = {
      blockId: "long-reason",
      status: "failed",
      reason: "é".repeat(10_000),
      at: new Date().toISOString(),
    };
    first.services.blockLifecycle.events.emit("status", event);

    await expect.poll(() => stream.events.length, WAIT).toBe(1);
    await stream.close();
    const heard = stream.events[0]?.data;
    expect(heard).toMatchObject({ blockId: "long-reason", status: "failed", at: event.at });
    expect(heard?.reason.endsWith("… (shortened)")).toBe(true);
    expect(heard?.reason.startsWith("é".repeat(1_000))).toBe(true);
  });
});
