import { describe, expect, it } from "vitest";
import { compilePolicy } from "../src/compile";
import { loadPolicyInstance } from "../src/sandbox";

const LB = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  eval(input) {
    return { instanceId: String(input.instances[0].id) };
  },
});
`;

describe("trusted input (the block runtime's own hot path)", () => {
  it("skips input validation but still validates the output", async () => {
    const instance = await loadPolicyInstance(await compilePolicy(LB), { isolation: "in-process" });
    try {
      const input = { instances: [{ id: "in-abcd" }] }; // no mode, no packet: not a valid input
      expect((await instance.eval(input)).ok).toBe(false);
      const trusted = await instance.eval(input, { trustedInput: true });
      expect(trusted).toMatchObject({ ok: true, value: { instanceId: "in-abcd" } });
      const bad = await instance.eval({ instances: [{ id: 7 }] }, { trustedInput: true });
      expect(bad.ok).toBe(true); // String(7): still a valid output
      const wrong = await loadPolicyInstance(
        await compilePolicy(LB.replace("String(input.instances[0].id)", "7")),
        {
          isolation: "in-process",
        },
      );
      const r = await wrong.eval(input, { trustedInput: true });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe("invalid_output");
      wrong.dispose();
    } finally {
      instance.dispose();
    }
  });
});
