import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { doc, reportPlaced, useApiServer } from "../../../apps/api/test/harness";
import { createApiClient } from "../src";

const components = resolve(import.meta.dirname, "../../../examples/specs/components.json");

describe("live block status over SSE", () => {
  const api = useApiServer();

  it("streams each status change of a block, with its reason, up to its removal", async () => {
    for (const document of JSON.parse(readFileSync(components, "utf8")) as unknown[]) {
      await api.caller().parser.applySpec({ document });
    }
    const clusterId = "sse";
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: "sse-node", vcpus: 1, memoryMb: 1024, storageMb: 1024, cpuModel: "test", gpus: [] },
    });
    const block = {
      blockComponentURI: "model.echo:1.0.0-stable",
      blockId: "live",
      clusterId,
      minInstances: 1,
      maxInstances: 1,
    };
    await api.caller().parser.applySpec({ document: doc("createBlock", block) });

    const client = createApiClient({ url: api.url });
    const seen: Array<{ status: string; reason: string }> = [];
    const started = new Promise<void>((ready) => {
      const sub = client.blocks.onStatus.subscribe(
        { blockId: "live" },
        {
          onStarted: () => ready(),
          onData: ({ data }) => {
            seen.push({ status: data.status, reason: data.reason });
            if (seen.length === 3) sub.unsubscribe();
          },
        },
      );
    });
    await started;
    const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
    await reportPlaced(api.caller(agent), "live", "sse-node");
    await reportPlaced(api.caller(agent), "live", "sse-node", { health: "healthy" });
    await api.caller().blocks.remove({ id: "live" });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(3);
    expect(seen).toEqual([
      { status: "deploying", reason: "starting 1 instance(s)" },
      { status: "running", reason: "1 of 1 instance(s) healthy" },
      { status: "removing", reason: "removal requested" },
    ]);
  });
});
