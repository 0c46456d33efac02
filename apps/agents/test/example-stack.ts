import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { afterAll, beforeAll } from "vitest";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

export const PIPELINE = "text-pipeline:1.0.0-stable";
const examples = resolve(import.meta.dirname, "../../../examples/specs");

/**
 * The examples as `npm start` runs them, for tests of what clients and operators see: the API over
 * HTTP, a cluster agent (its node `<clusterId>-node`) running blocks `sentiment`, `language-detect`
 * and `echo`, and the vDAG `text-pipeline` as shipped (its quota window widened so no run crosses
 * it). `agent` is set once the hooks ran.
 */
export function useExampleStack() {
  const api = useApiServer();
  const clusterId = `exm-${Date.now().toString(36)}`;
  const stack: { api: typeof api; clusterId: string; agent: AgentProcess | undefined } = {
    api,
    clusterId,
    agent: undefined,
  };

  beforeAll(async () => {
    const apply = (document: unknown) => api.caller().parser.applySpec({ document });
    await applyExamples(apply, "components.json");
    await applyExamples(apply, "policies.json");
    stack.agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "300" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
    for (const [blockId, component] of [
      ["language-detect", "model.language-detect:1.0.0-stable"],
      ["sentiment", "model.text-sentiment:1.0.0-stable"],
      ["echo", "model.echo:1.0.0-stable"],
    ]) {
      await apply(
        doc("createBlock", {
          blockComponentURI: component,
          blockId,
          clusterId,
          minInstances: 1,
          maxInstances: 1,
        }),
      );
    }
    await waitUntil(
      "the blocks to run",
      async () => (await api.caller().blocks.list({ clusterId })).every((b) => b.status === "running"),
      60_000,
    );
    for (const { document } of loadSpecFile(resolve(examples, "text-pipeline.json"))) {
      type Values = { controller?: { quotaChecker?: { quotaCheckerPolicyRule: { settings: object } } } };
      const values = (document as { body: { spec: { values: Values } } }).body.spec.values;
      const quotaRule = values.controller?.quotaChecker?.quotaCheckerPolicyRule;
      if (quotaRule) quotaRule.settings = { ...quotaRule.settings, windowSeconds: 1_000_000_000 };
      await apply(document);
    }
    await waitUntil(
      "the pipeline to be active",
      async () => (await api.caller().vdags.get({ vdagURI: PIPELINE })).status === "active",
      60_000,
    );
  }, 180_000);
  afterAll(async () => {
    await stack.agent?.stop();
  });

  return stack;
}
