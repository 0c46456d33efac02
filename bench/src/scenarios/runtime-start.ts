import type { TVdagControllerConfig } from "@aios/contracts";
import { findFreePort } from "@aios/service-kit";
import { measure, round, type Scenario, type ScenarioResult } from "../measure";
import { measureInTurns, runNode, startUntilListening } from "../process-start";

const MAX_RATIO = 3;
/** As the agent's process driver starts a workload by default (its policies in the sandbox child). */
const NODE_FLAGS: string[] = [];
/** A Node program that only listens: the floor under any runtime's start. */
const BARE_LISTEN = [
  "-e",
  "require('node:http').createServer().listen(Number(process.env.PORT), '127.0.0.1')",
];

const CONTROLLER: TVdagControllerConfig = {
  controllerId: "vdc-bench-start",
  vdagURI: "bench:1.0.0-stable",
  plan: {
    vdagURI: "bench:1.0.0-stable",
    heads: ["n0"],
    tails: ["n0"],
    order: ["n0"],
    nodes: {
      n0: {
        label: "n0",
        blockId: "blk-0",
        executorEndpoint: "http://127.0.0.1:9",
        inputs: [],
        next: [],
        node: { vdagURI: "bench:1.0.0-stable", nodeLabel: "n0", modelParameters: {}, next: [], graph: {} },
      },
    },
    assignment: { n0: "blk-0" },
  },
  stepTimeoutMs: 10_000,
  retries: 1,
  fanInTimeoutMs: 10_000,
  health: { intervalSeconds: 3600 },
};

const RUNTIMES = {
  executor: {
    pkg: "packages/block-runtime",
    env: { BLOCK_ID: "blk-bench", AIOS_BLOCK: JSON.stringify({ id: "blk-bench" }) },
  },
  controller: {
    pkg: "packages/vdag-runtime",
    env: { AIOS_VDAG_CONTROLLER: JSON.stringify(CONTROLLER) },
  },
} as const;

/** Spawn to listening of `node <flags> <args>` with `env` and a fresh PORT. */
function startOnce(args: string[], env: Record<string, string>) {
  return async () => {
    const port = await findFreePort();
    await startUntilListening([...NODE_FLAGS, ...args], { ...env, PORT: String(port) }, port);
  };
}

/**
 * How long the agent waits for a runtime process to listen: its bundle (dist/main.mjs, what the
 * agent starts while it is fresh) from spawn to an open port, against a Node program that only
 * listens; the same start from the TypeScript source through tsx is printed beside it.
 */
function runtimeStart(kind: keyof typeof RUNTIMES): Scenario {
  const { pkg, env: ownEnv } = RUNTIMES[kind];
  return {
    name: `runtime.start-${kind}`,
    description: `${kind} process from spawn to listening: its bundle vs a Node program that only listens`,
    async run(): Promise<ScenarioResult> {
      await runNode([`${pkg}/scripts/bundle.mjs`]);
      const env = { ...ownEnv, AIOS_CONTROL_TOKEN: "none", AIOS_DATA_TOKEN: "none" };
      const { measured, baseline } = await measureInTurns(
        startOnce([`${pkg}/dist/main.mjs`], env),
        startOnce(BARE_LISTEN, {}),
        { n: 15, warmup: 1 },
      );
      const fromSource = await measure(startOnce(["--import", "tsx", `${pkg}/src/main.ts`], env), {
        n: 5,
        warmup: 1,
      });
      process.stderr.write(
        `  the same start from the TypeScript source through tsx: p50 ${fromSource.p50_ms} ms\n`,
      );
      const ratio = round(measured.p50_ms / baseline.p50_ms);
      return {
        scenario: this.name,
        measured,
        baseline: { name: "node listening on a port, nothing else", ...baseline },
        ratio,
        target: `p50 within ${MAX_RATIO}x of a bare listening node`,
        met: ratio <= MAX_RATIO,
      };
    },
  };
}

export const runtimeStartScenarios: Scenario[] = [runtimeStart("executor"), runtimeStart("controller")];
