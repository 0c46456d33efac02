import type { TAiosPacket, TInstanceInitData, TInstancePolicy } from "@aios/contracts";
import {
  compilePolicy,
  isPolicyError,
  type LogEntry,
  loadPolicyInstance,
  type PolicyInstance,
  runtimePolicyOptions,
} from "@aios/policy-runtime";
import type { Logger } from "@aios/service-kit";
import { errorMessage, InstanceError, type TaskStage } from "./errors";

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
 * Compiles and loads one processing policy, isolated as `runtimePolicyOptions()` says: in a sandbox
 * process by default, since a vDAG's policies come from the vDAG's author, not the block's. Throws
 * the compiler's or the sandbox's error (a PolicyError).
 */
export async function loadProcessingPolicy(p: TInstancePolicy): Promise<PolicyInstance> {
  const compiled = await compilePolicy(p.code, `${p.policyRuleURI}.ts`);
  return loadPolicyInstance(compiled, {
    settings: p.settings,
    parameters: p.parameters,
    ...runtimePolicyOptions(),
  });
}

/**
 * Compiles and loads the block's pre/post-processing policies once, at start.
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
        instance = await loadProcessingPolicy(p);
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

/** A policy's error as a failed task: 422 at `stage`, with the policy's issues when it has some. */
export function policyLoadError(stage: TaskStage, where: string, e: unknown): InstanceError {
  const issues = isPolicyError(e) ? e.issues : undefined;
  return new InstanceError(422, `${where}: ${errorMessage(e)}`, { stage, ...(issues ? { issues } : {}) });
}

/**
 * Runs one eval of a processing policy: its logs go to the instance log, a failure is a 422 at
 * `stage` naming the policy. Returns the (kind-validated) output.
 */
export async function evalPolicy(
  stage: TaskStage,
  uri: string,
  instance: PolicyInstance,
  input: object,
  log: Logger,
  logFields: Record<string, unknown> = {},
): Promise<unknown> {
  const result = await instance.eval(input);
  writePolicyLogs(result.logs, log, { source: "policy", policy: uri, slot: stage, ...logFields });
  if (!result.ok) {
    const { kind, message, issues } = result.error;
    throw new InstanceError(422, `${stage} policy ${uri} failed (${kind}): ${message}`, {
      stage,
      ...(issues ? { issues } : {}),
    });
  }
  return result.value;
}

function writePolicyLogs(logs: LogEntry[], log: Logger, fields: Record<string, unknown>): void {
  for (const entry of logs) {
    const write = entry.level === "error" ? log.error : entry.level === "warn" ? log.warn : log.info;
    write(entry.message, fields);
  }
}

/** Runs one block processing policy on a packet; a failure is a 422 at the policy's stage. */
export async function applyPolicy(
  policy: LoadedPolicy,
  packet: TAiosPacket,
  blockData: object,
  log: Logger,
): Promise<TAiosPacket> {
  const value = await evalPolicy(policy.slot, policy.uri, policy.instance, { packet, blockData }, log);
  return (value as { packet: TAiosPacket }).packet;
}
