import type { ApiClient } from "@aios/client";
import { createLogger } from "@aios/service-kit";
import { describe, expect, it } from "vitest";
import { newHostedBlock } from "../src/blocks/block-processes";
import { createBlockReporter } from "../src/blocks/block-report";

const log = createLogger({ test: "block-report" }, { write: () => {} });

describe("a block's report to the API", () => {
  it("is sent again when the API could not take it, and only once it took it is it not repeated", async () => {
    const sent: unknown[] = [];
    let refuse = true;
    const api = {
      agents: {
        work: {
          reportBlock: {
            mutate: async (body: unknown) => {
              sent.push(body);
              if (refuse) throw new Error("the database did not answer");
            },
          },
        },
      },
    } as unknown as ApiClient;
    const report = createBlockReporter({ api, log, nodeId: "n1" });
    const b = { ...newHostedBlock(), chain: Promise.resolve() };

    await expect(report("blk", b)).rejects.toThrow("the database did not answer");
    refuse = false;
    await report("blk", b); // the same report: the API has not got it yet
    await report("blk", b); // now it has
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[0]).toMatchObject({ blockId: "blk", nodeId: "n1", instances: [] });
  });
});
