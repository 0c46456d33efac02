import { compilePolicy, loadPolicyInstance, type PolicyInstance } from "@aios/policy-runtime";
import type { Logger } from "@aios/service-kit";
import type { TAiosPacket, TInstanceInitData } from "@aios/spec";
import { errorMessage, InstanceError } from "./errors";

export type ProcessingSlot = "pre_processing" | "post_processing";

const KIND_OF: Record<ProcessingSlot, string> = {
  pre_processing: "blockPreProcessing",
  post_processing: "blockPostProcessing",
};

export interface LoadedPolicy {
  slot: ProcessingSlot;
  uri: string;
  instance: PolicyInstance;
}

export type BlockPolicies = Partial<Record<ProcessingSlot, LoadedPolicy>>;

/**
 * Compiles and loads the block's pre/post-processing policies once, in this process: they are the
 * block owner's own code, so the warm in-process isolate (microseconds per call) is the right trade.
 * Throws with the slot and policy named; the caller reports it as a failed init.
 */
export async function loadBlockPolicies(policies: TInstanceInitData["policies"]): Promise<BlockPolicies> {
  const loaded: BlockPolicies = {};
  try {
    for (const slot of ["pre_processing", "post_processing"] as const) {
      const p = policies[slot];
      if (!p) continue;
      const where = `policies.${slot} (${p.policyRuleURI})`;
      let instance: PolicyInstance;
      try {
        const compiled = await compilePolicy(p.code, `${p.policyRuleURI}.ts`);
        instance = await loadPolicyInstance(compiled, {
          settings: p.settings,
          parameters: p.parameters,
          isolation: "in-process",
        });
      } catch (e) {
        throw new Error(`${where}: ${errorMessage(e)}`);
      }
      loaded[slot] = { slot, uri: p.policyRuleURI, instance };
      if (instance.kind !== KIND_OF[slot])
        throw new Error(`${where}: is a ${instance.kind} policy, expected ${KIND_OF[slot]}`);
    }
    return loaded;
  } catch (e) {
    disposeBlockPolicies(loaded);
    throw e;
  }
}

export function disposeBlockPolicies(policies: BlockPolicies): void {
  for (const p of Object.values(policies)) p?.instance.dispose();
}

/** Runs one processing policy on a packet; a failure is a 422 at the policy's stage. */
export async function applyPolicy(
  policy: LoadedPolicy,
  packet: TAiosPacket,
  blockData: object,
  log: Logger,
): Promise<TAiosPacket> {
  const result = await policy.instance.eval({ packet, blockData });
  for (const entry of result.logs) {
    const write = entry.level === "error" ? log.error : entry.level === "warn" ? log.warn : log.info;
    write(entry.message, { source: "policy", policy: policy.uri, slot: policy.slot });
  }
  if (!result.ok) {
    const { kind, message, issues } = result.error;
    throw new InstanceError(422, `${policy.slot} policy ${policy.uri} failed (${kind}): ${message}`, {
      stage: policy.slot,
      ...(issues ? { issues } : {}),
    });
  }
  return (result.value as { packet: TAiosPacket }).packet;
}
