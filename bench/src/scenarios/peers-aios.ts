import { type Stack, startStack, trpc, waitUntil } from "./dataplane-stack";
import { postgresOn } from "./peers-cpu";

/** AIOS as the `peers.*` scenarios measure it: the product's processes, and where a client calls it. */
export interface AiosSide {
  stack: Stack;
  apiUrl: string;
  /** A data key scoped to what is measured (the block, or the vDAG). */
  dataKey: string;
  /** The API's PostgreSQL (its postmaster's id), whose CPU counts as AIOS's; none when not found. */
  postgres: number[];
  stop(): Promise<string[]>;
}

const postgresOf = (stack: Stack) => {
  const pid = postgresOn(Number(new URL(stack.databaseUrl).port));
  return pid === undefined ? [] : [pid];
};

/** The model every system serves: AIOS's block id, KServe's model name. */
export const MODEL = "peers-echo";
/** The 3-step chain: three echo blocks, a vDAG over them. */
export const CHAIN_BLOCKS = ["peers-step1", "peers-step2", "peers-step3"];
export const CHAIN_VDAG = "peers-chain:1.0.0-stable";

/** The per-key inference limit (500/s by default) would be what is measured: raised, its check stays in the path. */
const API_ENV = { AIOS_RATE_LIMIT_INFER: "1000000/s:1000000" };
const ONE_INSTANCE = { minInstances: 1, maxInstances: 1 };

export interface AiosOptions {
  /** Node flags of the API process (`--cpu-prof`, to see where its time goes). */
  apiNodeArgs?: string[];
}

/**
 * The echo block `peers-echo` (`model.echo`, one instance) in a real API process with a real agent
 * (dataplane-stack.ts, as `dataplane.block-c32` runs it): clients call `POST /v1/blocks/peers-echo/infer`
 * or the Open Inference Protocol's `POST /v2/models/peers-echo/infer` with a data key scoped to it.
 */
export async function startAiosModel(opts: AiosOptions = {}): Promise<AiosSide> {
  const stack = await startStack({ blockId: MODEL, block: ONE_INSTANCE, apiEnv: API_ENV, ...opts });
  return {
    stack,
    apiUrl: stack.apiUrl,
    dataKey: stack.dataKey,
    postgres: postgresOf(stack),
    stop: () => stack.stop(),
  };
}

const node = (label: string, blockId: string) => ({
  spec: { values: { nodeLabel: label, nodeType: "block", manualBlockId: blockId } },
});

/**
 * Three echo blocks (one instance each, each its executor and instance processes) and the vDAG
 * `peers-chain` over them, step1 → step2 → step3, with no policies: the agent runs its controller.
 * Clients call `POST /v1/vdags/peers-chain:1.0.0-stable/infer` with a data key scoped to the vDAG;
 * the API sends each request to the controller, which calls the three blocks' executors in turn.
 */
export async function startAiosChain(opts: AiosOptions = {}): Promise<AiosSide> {
  const [first, ...rest] = CHAIN_BLOCKS as [string, ...string[]];
  const stack = await startStack({ blockId: first, block: ONE_INSTANCE, apiEnv: API_ENV, ...opts });
  try {
    const { apiUrl } = stack;
    const { clusterId } = await trpc<{ clusterId: string }>(apiUrl, "blocks.get", { id: first }, "GET");
    const apply = (action: string, values: unknown) =>
      trpc(apiUrl, "parser.applySpec", {
        document: { header: { templateUri: "Parser/V1", action }, body: { spec: { values } } },
      });
    for (const blockId of rest)
      await apply("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId,
        clusterId,
        ...ONE_INSTANCE,
      });
    await waitUntil(
      "the chain's blocks to run",
      async () => {
        await stack.status(); // notes the processes the agent started, for stop()
        const blocks = await trpc<Array<{ id: string; status: string }>>(
          apiUrl,
          "blocks.list",
          { clusterId },
          "GET",
        );
        return CHAIN_BLOCKS.every((id) => blocks.some((b) => b.id === id && b.status === "running"));
      },
      120_000,
    );
    const [name, version] = CHAIN_VDAG.split(":") as [string, string];
    const [semver, releaseTag] = version.split("-") as [string, string];
    await apply("createvDAG", {
      vdagName: name,
      vdagVersion: { version: semver, "release-tag": releaseTag },
      nodes: CHAIN_BLOCKS.map((id, i) => node(`step${i + 1}`, id)),
      graph: {
        connections: CHAIN_BLOCKS.slice(1).map((_, i) => ({
          nodeLabel: `step${i + 2}`,
          inputs: [{ nodeLabel: `step${i + 1}` }],
        })),
      },
    });
    await waitUntil(
      "the chain's vDAG to be active",
      async () => {
        await stack.status();
        const vdag = await trpc<{ status: string }>(apiUrl, "vdags.get", { vdagURI: CHAIN_VDAG }, "GET");
        return vdag.status === "active";
      },
      120_000,
    );
    await stack.status();
    const key = await trpc<{ token: string }>(apiUrl, "tokens.create", {
      name: "bench chain key",
      role: "data",
      scopes: [`vdag:${CHAIN_VDAG}`],
    });
    return { stack, apiUrl, dataKey: key.token, postgres: postgresOf(stack), stop: () => stack.stop() };
  } catch (e) {
    const killed = await stack.stop();
    throw new Error(`${(e as Error).message}${killed.length > 0 ? ` (killed: ${killed.join(", ")})` : ""}`);
  }
}
