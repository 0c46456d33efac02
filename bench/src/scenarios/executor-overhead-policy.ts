import { runtimePolicyOptions } from "@aios/policy-runtime";
import { defaultSandboxProcess } from "@aios/policy-runtime/sandbox";
import { descendantsOf } from "@aios/service-kit";
import { executorOverheadScenario } from "./executor-bench";
import { ROUND_ROBIN } from "./policy-lb";

const POLICY_URI = "bench.round-robin";

/**
 * A Node process the bench started itself, as the sandbox child is (`process.execPath`; esbuild's
 * compile service is not Node). The runner stops what earlier scenarios left, so it is this one's.
 */
const nodeChildren = () =>
  descendantsOf(process.pid).filter((p) => p.ppid === process.pid && p.argv[0] === process.execPath);

/**
 * `executor.overhead` with the block's loadBalancer policy (round robin, as `policy.lb-*`) given in
 * `AIOS_BLOCK.policies`: `createExecutor` loads it with `loadBlockPolicy`, in the isolation
 * `runtimePolicyOptions()` reads from the environment, by default the sandbox child process shared
 * by the runtime's policies (`defaultSandboxProcess`). Every task's instance is its decision.
 */
export const executorOverheadPolicy = executorOverheadScenario({
  name: "executor.overhead-policy",
  extra: " with a round-robin loadBalancer policy in the sandbox child process",
  policies: { loadBalancer: { policyRuleURI: POLICY_URI, code: ROUND_ROBIN } },
  prerequisite() {
    const { isolation } = runtimePolicyOptions();
    if (isolation !== "process")
      return `AIOS_RUNTIME_POLICY_ISOLATION is ${JSON.stringify(isolation)}: this scenario measures the default, "process"`;
    return undefined;
  },
  started(executor) {
    if (executor.balancer.policyUri !== POLICY_URI)
      throw new Error(
        `the executor's loadBalancer is ${executor.balancer.policyUri ?? "built in"}, not the policy`,
      );
    if (nodeChildren().length === 0) throw new Error("no sandbox child process was started for the policy");
  },
  finished(executor) {
    // A failed decision (a call stalled past the CPU limit on a busy machine, say) falls back to
    // the built-in round robin for its task: not what this scenario measures, so not met.
    const { policyErrors, lastPolicyError } = executor.balancer;
    if (policyErrors === 0) return undefined;
    return `${policyErrors} loadBalancer decisions failed and fell back to round robin (last: ${lastPolicyError})`;
  },
  // The executor disposes its policy's isolate; the shared child it ran in is the runtime's to stop.
  cleanup: () => defaultSandboxProcess().stop(),
  timePick: true,
});
