import {
  compilePolicy,
  loadPolicyInstance,
  type PolicyInstance,
  type SandboxIsolation,
} from "@aios/policy-runtime";
import { measure, round, type Scenario, type ScenarioResult } from "../measure";

const TARGET_P99_MS = 0.05;
const TARGET_PER_S = 20_000;
const COLD_TARGET_P99_MS = 50;

const ROUND_ROBIN = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  init() { return { next: 0 }; },
  eval(input, { state }) {
    const i = input.instances[state.next++ % input.instances.length];
    return { instanceId: i.id };
  },
});
`;

/** The same decision as plain TypeScript: what a policy would cost without any sandbox. */
function directRoundRobin() {
  const state = { next: 0 };
  return (input: { instances: { id: string }[] }) => {
    const i = input.instances[state.next++ % input.instances.length];
    return { instanceId: i?.id };
  };
}

const lbInput = (n: number) => ({
  mode: "load_balance",
  packet: { session_id: "bench", seq_no: 0, data: { prompt: "hello" }, ts: 0 },
  instances: Array.from({ length: n }, (_, i) => ({
    id: `instance-${i}`,
    nodeId: `node-${i % 4}`,
    inFlight: i % 3,
  })),
});

function warmDecision(instances: number, isolation: SandboxIsolation): Scenario {
  const suffix = isolation === "process" ? "-process" : "";
  return {
    name: `policy.lb-${instances}${suffix}`,
    description:
      isolation === "in-process"
        ? `warm round-robin loadBalancer decision over ${instances} instances as a block's executor makes it (in-process isolate, input built by the executor, output validated) vs the same function called directly`
        : `warm round-robin loadBalancer decision over ${instances} instances through the process sandbox (input and output validated, IPC) vs the same function called directly`,
    async run(): Promise<ScenarioResult> {
      const input = lbInput(instances);
      const direct = directRoundRobin();
      const instance: PolicyInstance = await loadPolicyInstance(await compilePolicy(ROUND_ROBIN), {
        isolation,
      });
      try {
        const opts = { n: isolation === "process" ? 5000 : 20_000, warmup: 2000 };
        const baseline = await measure(async () => direct(input), opts);
        const measured = await measure(async () => {
          const r = await instance.eval(input, { trustedInput: isolation === "in-process" });
          if (!r.ok) throw r.error;
        }, opts);
        return {
          scenario: this.name,
          measured,
          baseline: { name: "direct in-process call", ...baseline },
          ratio: round(measured.p50_ms / Math.max(baseline.p50_ms, 0.001)),
          target: `p99 <= ${TARGET_P99_MS} ms and >= ${TARGET_PER_S} decisions/s`,
          met: measured.p99_ms <= TARGET_P99_MS && measured.per_s >= TARGET_PER_S,
        };
      } finally {
        instance.dispose();
      }
    },
  };
}

/** A policy seen for the first time: compile (cache missed on purpose), new isolate, module, init. */
const coldLoad: Scenario = {
  name: "policy.cold-load",
  description:
    "cold policy load (esbuild compile + new isolate + module + init, in-process) vs compile alone",
  async run() {
    let i = 0;
    const opts = { n: 200, warmup: 20 };
    const baseline = await measure(() => compilePolicy(`${ROUND_ROBIN}// baseline ${i++}\n`), opts);
    const measured = await measure(async () => {
      const instance = await loadPolicyInstance(await compilePolicy(`${ROUND_ROBIN}// cold ${i++}\n`), {
        isolation: "in-process",
      });
      instance.dispose();
    }, opts);
    return {
      scenario: this.name,
      measured,
      baseline: { name: "compilePolicy alone", ...baseline },
      ratio: round(measured.p50_ms / baseline.p50_ms),
      target: `cold load p99 <= ${COLD_TARGET_P99_MS} ms`,
      met: measured.p99_ms <= COLD_TARGET_P99_MS,
    };
  },
};

export const policyScenarios: Scenario[] = [
  warmDecision(8, "in-process"),
  warmDecision(64, "in-process"),
  warmDecision(8, "process"),
  warmDecision(64, "process"),
  coldLoad,
];
