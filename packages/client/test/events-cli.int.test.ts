import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TBlockEventRecord } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, reportPlaced, useApiServer } from "../../../apps/api/test/harness";
import { createApiClient } from "../src";
import { runCli } from "./cli-io";

const components = resolve(import.meta.dirname, "../../../examples/specs/components.json");

describe("aios events block, and block events live over SSE", () => {
  const api = useApiServer();
  const clusterId = "evcli";
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const live: TBlockEventRecord[] = [];
  let stop = () => {};

  beforeAll(async () => {
    for (const document of JSON.parse(readFileSync(components, "utf8")) as unknown[])
      await api.caller().parser.applySpec({ document });
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: "evcli-n1", vcpus: 1, memoryMb: 1024, storageMb: 1024, cpuModel: "test", gpus: [] },
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "evb",
        clusterId,
        minInstances: 1,
        maxInstances: 2,
      }),
    });
    const client = createApiClient({ url: api.url });
    await new Promise<void>((ready) => {
      const sub = client.blocks.onEvent.subscribe(
        { id: "evb" },
        { onStarted: () => ready(), onData: ({ data }) => void live.push(data) },
      );
      stop = () => sub.unsubscribe();
    });
    await reportPlaced(api.caller(agent), "evb", "evcli-n1", { health: "healthy" });
    await api.services.blockEvents.idle();
  });

  afterAll(() => stop());

  it("streams each new event of the block as it is stored", async () => {
    await expect
      .poll(() => live.map((e) => e.name), { timeout: 10_000 })
      .toEqual(["instance_started", "instance_healthy"]);
  });

  it("lists the events newest first as a table, or as JSON; --limit and --before page", async () => {
    const table = await runCli(api.url, ["events", "block", "evb"]);
    expect(table.code).toBe(0);
    const lines = table.out.split("\n");
    expect(lines[0]).toMatch(/^ID\s+TIME\s+SOURCE\s+INSTANCE\s+EVENT\s+DATA\s+POLICY/);
    expect(lines[1]).toMatch(/platform\s+in-\w{4}\s+instance_healthy\s+\{"was":"starting"\}/);
    expect(lines[2]).toMatch(/instance_started\s+\{"nodeId":"evcli-n1"\}/);
    const json = await runCli(api.url, ["events", "block", "evb", "--limit", "1", "-o", "json"]);
    const [newest] = JSON.parse(json.out) as TBlockEventRecord[];
    expect(newest).toMatchObject({ name: "instance_healthy", source: "platform", outcome: null });
    const older = await runCli(api.url, [
      "events",
      "block",
      "evb",
      "--before",
      String(newest?.id),
      "-o",
      "json",
    ]);
    expect((JSON.parse(older.out) as TBlockEventRecord[]).map((e) => e.name)).toEqual(["instance_started"]);
  });

  it("says what is wrong: usage errors exit 2, an unknown block 1", async () => {
    const usage = await runCli(api.url, ["events", "blocks", "evb"]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("usage: aios events block BLOCK_ID");
    const limit = await runCli(api.url, ["events", "block", "evb", "--limit", "x"]);
    expect(limit.code).toBe(2);
    expect(limit.err).toContain('--limit must be a whole number, got "x"');
    const missing = await runCli(api.url, ["events", "block", "nope"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe('error: block "nope" was not found');
  });
});
