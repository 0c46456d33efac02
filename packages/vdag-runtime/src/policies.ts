import { createHash } from "node:crypto";
import type { TInstancePolicy, TPolicyKind } from "@aios/contracts";
import {
  type CallResult,
  compilePolicy,
  loadPolicyInstance,
  type PolicyInstance,
  runtimePolicyOptions,
} from "@aios/policy-runtime";
import type { Logger } from "@aios/service-kit";

export type ControllerPolicyKind = Extract<
  TPolicyKind,
  "quotaChecker" | "vdagHealthChecker" | "qualityChecker"
>;

/**
 * One of the controller's policies, isolated as `runtimePolicyOptions()` says (a sandbox process by
 * default, as in the block runtime). Shared by the configurations that use the same code,
 * settings and parameters (`key`), and disposed when the last of them is retired.
 */
export class ControllerPolicy {
  private holders = 0;

  private constructor(
    readonly kind: ControllerPolicyKind,
    readonly uri: string,
    readonly key: string,
    private readonly instance: PolicyInstance,
    private readonly log: Logger,
  ) {}

  static key(kind: ControllerPolicyKind, spec: TInstancePolicy): string {
    return createHash("sha256")
      .update(JSON.stringify([kind, spec.policyRuleURI, spec.code, spec.settings, spec.parameters]))
      .digest("hex");
  }

  /** Compiles and loads the policy; throws naming it when it fails or is of another kind. */
  static async load(
    kind: ControllerPolicyKind,
    spec: TInstancePolicy,
    log: Logger,
  ): Promise<ControllerPolicy> {
    let instance: PolicyInstance;
    try {
      const compiled = await compilePolicy(spec.code, `${spec.policyRuleURI}.ts`);
      instance = await loadPolicyInstance(compiled, {
        settings: spec.settings,
        parameters: spec.parameters,
        ...runtimePolicyOptions(),
      });
    } catch (e) {
      throw new Error(`${kind} policy ${spec.policyRuleURI}: ${(e as Error).message}`);
    }
    if (instance.kind !== kind) {
      instance.dispose();
      throw new Error(`policy ${spec.policyRuleURI} is a ${instance.kind} policy, expected ${kind}`);
    }
    return new ControllerPolicy(kind, spec.policyRuleURI, ControllerPolicy.key(kind, spec), instance, log);
  }

  /** The policy's output (validated against its kind) or the failure as a message; logs are forwarded. */
  async eval(input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
    // The controller builds the input itself; the output is still validated.
    return this.settle(await this.instance.eval(input, { trustedInput: true }));
  }

  async management(action: string, data: unknown) {
    return this.settle(await this.instance.management(action, data));
  }

  private settle(r: CallResult<unknown>): { ok: true; value: unknown } | { ok: false; message: string } {
    for (const entry of r.logs) {
      const write =
        entry.level === "error" ? this.log.error : entry.level === "warn" ? this.log.warn : this.log.info;
      write(entry.message, { source: "policy", policy: this.uri, kind: this.kind });
    }
    if (r.ok) return { ok: true, value: r.value };
    return {
      ok: false,
      message: `${this.kind} policy ${this.uri} failed (${r.error.kind}): ${r.error.message}`,
    };
  }

  acquire(): this {
    this.holders++;
    return this;
  }

  release(): void {
    if (--this.holders <= 0) this.instance.dispose();
  }
}

/** The policies of one configuration. */
export interface PolicySet {
  quota?: ControllerPolicy | undefined;
  health?: ControllerPolicy | undefined;
  quality?: ControllerPolicy | undefined;
}

const SLOTS = [
  ["quota", "quotaChecker"],
  ["health", "vdagHealthChecker"],
  ["quality", "qualityChecker"],
] as const;

/**
 * Loads the policies of a configuration, reusing those of `previous` whose code, settings and
 * parameters did not change (they keep their state). Every returned policy is acquired once;
 * `releasePolicies` gives them back. Throws when a policy cannot be loaded (nothing is leaked).
 */
export async function loadPolicies(
  specs: Partial<Record<keyof PolicySet, TInstancePolicy | undefined>>,
  previous: PolicySet | undefined,
  log: Logger,
): Promise<PolicySet> {
  const set: PolicySet = {};
  try {
    await Promise.all(
      SLOTS.map(async ([slot, kind]) => {
        const spec = specs[slot];
        if (!spec) return;
        const old = previous?.[slot];
        set[slot] =
          old && old.key === ControllerPolicy.key(kind, spec)
            ? old.acquire()
            : (await ControllerPolicy.load(kind, spec, log)).acquire();
      }),
    );
  } catch (e) {
    releasePolicies(set);
    throw e;
  }
  return set;
}

export function releasePolicies(set: PolicySet): void {
  for (const [slot] of SLOTS) set[slot]?.release();
}
