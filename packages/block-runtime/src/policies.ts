import type { TPolicyKind } from "@aios/contracts";
import {
  compilePolicy,
  loadPolicyInstance,
  type PolicyInstance,
  type PolicyQuery,
  runtimePolicyOptions,
} from "@aios/policy-runtime";
import type { TBlockPolicyConfig } from "./config";

/** One of the block's own policies, loaded as `runtimePolicyOptions()` says (a sandbox process by default). */
export interface BlockPolicy {
  uri: string;
  settings: Record<string, unknown>;
  /** The policy's output (validated against its kind), or throws the PolicyError; `query` is its `ctx.query`. */
  eval(input: unknown, query?: PolicyQuery): Promise<unknown>;
  /** The policy's `management(action, data)` reply, or throws the PolicyError. */
  management(action: string, data: unknown): Promise<unknown>;
  dispose(): void;
}

export async function loadBlockPolicy(kind: TPolicyKind, spec: TBlockPolicyConfig): Promise<BlockPolicy> {
  const compiled = await compilePolicy(spec.code, `${spec.policyRuleURI}.ts`);
  const instance: PolicyInstance = await loadPolicyInstance(compiled, {
    settings: spec.settings,
    parameters: spec.parameters,
    ...runtimePolicyOptions(),
  });
  if (instance.kind !== kind) {
    instance.dispose();
    throw new Error(`policy ${spec.policyRuleURI} is a ${instance.kind} policy, expected ${kind}`);
  }
  return {
    uri: spec.policyRuleURI,
    settings: spec.settings,
    async eval(input, query) {
      // The block runtime builds these inputs itself; the policy's output is still validated.
      const result = await instance.eval(
        input,
        query ? { trustedInput: true, query } : { trustedInput: true },
      );
      if (!result.ok) throw result.error;
      return result.value;
    },
    async management(action, data) {
      const result = await instance.management(action, data);
      if (!result.ok) throw result.error;
      return result.value;
    },
    dispose: () => instance.dispose(),
  };
}
