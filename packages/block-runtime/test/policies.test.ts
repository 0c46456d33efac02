import { createLogger } from "@aios/service-kit";
import { describe, expect, it } from "vitest";
import { Balancer } from "../src/executor/balancer";
import type { InstanceRecord } from "../src/mapper";
import { loadBlockPolicy } from "../src/policies";

const log = createLogger({ test: "policies" }, { write: () => {} });
const rec = (id: string) =>
  ({ id, state: "healthy", inFlight: 0, stats: { completed: 0 } }) as unknown as InstanceRecord;
const packet = { session_id: "s", seq_no: 0, data: {}, ts: 0 };

// Grows a Map until V8 gives up: isolated-vm cannot stop this one inside the calling process.
const MAP_BOMB = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  eval(input) {
    if (input.instances.length === 2) { const m = new Map(); for (let i = 0; ; i++) m.set(i, { i }); }
    return { instanceId: input.instances[input.instances.length - 1].id };
  },
});
`;

describe("the block's own policies", () => {
  it("run in the sandbox process: a policy that brings V8 down costs a fallback decision, not the executor", async () => {
    // Time enough for the Map to outgrow the memory limit (the default 50 ms would stop it first).
    process.env.AIOS_RUNTIME_POLICY_CPU_MS = "10000";
    process.env.AIOS_RUNTIME_POLICY_MEMORY_MB = "32";
    const policy = await loadBlockPolicy("loadBalancer", {
      policyRuleURI: "map-bomb:1.0.0-stable",
      code: MAP_BOMB,
      settings: {},
      parameters: {},
    });
    try {
      const balancer = new Balancer("blk", policy, log);
      expect((await balancer.pick([rec("a"), rec("b")], packet))?.id).toBe("a"); // round robin
      expect(balancer.policyErrors).toBe(1);
      expect(balancer.lastPolicyError).toMatch(/memory limit/);
      // This process is alive, and the policy answers again from a new sandbox process.
      expect((await balancer.pick([rec("a"), rec("b"), rec("c")], packet))?.id).toBe("c");
      expect(balancer.policyErrors).toBe(1);
    } finally {
      policy.dispose();
      delete process.env.AIOS_RUNTIME_POLICY_CPU_MS;
      delete process.env.AIOS_RUNTIME_POLICY_MEMORY_MB;
    }
  }, 60_000);

  it("refuses a policy of another kind, naming both", async () => {
    await expect(
      loadBlockPolicy("autoscaler", {
        policyRuleURI: "map-bomb:1.0.0-stable",
        code: MAP_BOMB,
        settings: {},
        parameters: {},
      }),
    ).rejects.toThrow("policy map-bomb:1.0.0-stable is a loadBalancer policy, expected autoscaler");
  });
});
