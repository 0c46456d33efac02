import type {
  TInstancePolicy,
  TPolicyKind,
  TPolicyRuleRef,
  TVdagControllerConfig,
  TVdagPlan,
  TVdagSpec,
} from "@aios/contracts";
import { ZVdagPlan } from "@aios/contracts";
import type { Db } from "@aios/db";
import { UserError } from "../../errors";
import { checkPolicyValues } from "../policies/policy-contract";
import { policySource } from "../policies/policy-runtime.service";
import type { TAssignment } from "./vdag-assignment";
import type { PlanInputs } from "./vdag-compiler";

const NODES = "body.spec.values.nodes";
const CONTROLLER = "body.spec.values.controller";

/** The controller's configuration minus the plan and its identity: what the vDAG's spec asks for. */
export type TControllerPolicies = Omit<TVdagControllerConfig, "controllerId" | "vdagURI" | "plan">;

/** A stored policy of the expected kind, the rule's settings and parameters over its defaults. */
async function runtimePolicy(
  db: Db,
  ref: TPolicyRuleRef,
  kind: TPolicyKind,
  field: string,
): Promise<TInstancePolicy> {
  const source = await policySource(db, ref.policyRuleURI, `${field}.policyRuleURI`);
  if (source.kind !== kind) {
    throw UserError.field(
      `${field}.policyRuleURI`,
      `${ref.policyRuleURI} is a ${source.kind} policy, not ${kind}`,
    );
  }
  await checkPolicyValues(db, ref.policyRuleURI, ref, {
    settings: `${field}.settings`,
    parameters: `${field}.parameters`,
  });
  return {
    policyRuleURI: ref.policyRuleURI,
    code: source.code,
    settings: { ...source.settings, ...(ref.settings ?? {}) },
    parameters: { ...source.parameters, ...(ref.parameters ?? {}) },
  };
}

/**
 * What compiling a vDAG needs from the registries: each nested vDAG's compiled plan and each block
 * node's vDAG pre/post-processing policies (checked against their kinds and schemas).
 */
export async function loadPlanInputs(
  db: Db,
  values: TVdagSpec,
  assignment: TAssignment,
): Promise<PlanInputs> {
  const nestedPlans = new Map<string, TVdagPlan>();
  const nodePolicies: PlanInputs["nodePolicies"] = new Map();
  for (const [i, n] of values.nodes.entries()) {
    const v = n.spec.values;
    const at = `${NODES}.${i}.spec.values`;
    const assigned = assignment[v.nodeLabel];
    if (assigned && "vdagURI" in assigned) {
      const nested = await db.vdag.findUnique({ where: { vdagURI: assigned.vdagURI } });
      nestedPlans.set(assigned.vdagURI, ZVdagPlan.parse(nested?.compiled));
      continue;
    }
    nodePolicies.set(v.nodeLabel, {
      ...(v.preprocessingPolicyRule
        ? {
            preprocessing: await runtimePolicy(
              db,
              v.preprocessingPolicyRule,
              "vdagPreProcessing",
              `${at}.preprocessingPolicyRule`,
            ),
          }
        : {}),
      ...(v.postprocessingPolicyRule
        ? {
            postprocessing: await runtimePolicy(
              db,
              v.postprocessingPolicyRule,
              "vdagPostProcessing",
              `${at}.postprocessingPolicyRule`,
            ),
          }
        : {}),
    });
  }
  return { nestedPlans, nodePolicies };
}

/** The controller's policies and settings as the spec's `controller` section asks for them. */
export async function controllerPolicies(db: Db, values: TVdagSpec): Promise<TControllerPolicies> {
  const c = values.controller ?? {};
  const settings = c.initSettings ?? {};
  const on = (section: { enabled?: boolean | undefined } | undefined, rule: unknown) =>
    section !== undefined && section.enabled !== false && rule !== undefined;
  const quotaRule = c.quotaChecker?.quotaCheckerPolicyRule;
  const healthRule = c.healthChecker?.healthCheckerPolicyRule;
  const qualityRule = c.qualityChecker?.qualityCheckerPolicyRule;
  return {
    stepTimeoutMs: settings.stepTimeoutMs ?? 30_000,
    retries: settings.retries ?? 1,
    fanInTimeoutMs: settings.fanInTimeoutMs ?? 60_000,
    ...(on(c.quotaChecker, quotaRule)
      ? {
          quota: {
            policy: await runtimePolicy(
              db,
              quotaRule as TPolicyRuleRef,
              "quotaChecker",
              `${CONTROLLER}.quotaChecker.quotaCheckerPolicyRule`,
            ),
          },
        }
      : {}),
    health: {
      intervalSeconds: c.healthChecker?.interval ?? 10,
      ...(on(c.healthChecker, healthRule)
        ? {
            policy: await runtimePolicy(
              db,
              healthRule as TPolicyRuleRef,
              "vdagHealthChecker",
              `${CONTROLLER}.healthChecker.healthCheckerPolicyRule`,
            ),
          }
        : {}),
    },
    ...(on(c.qualityChecker, qualityRule)
      ? {
          quality: {
            framesInterval: c.qualityChecker?.framesInterval ?? 100,
            policy: await runtimePolicy(
              db,
              qualityRule as TPolicyRuleRef,
              "qualityChecker",
              `${CONTROLLER}.qualityChecker.qualityCheckerPolicyRule`,
            ),
          },
        }
      : {}),
  };
}
