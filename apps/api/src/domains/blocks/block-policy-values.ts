import { type TBlockSpec, type TSpecError, validatePolicyValues } from "@aios/contracts";
import type { Db } from "@aios/db";
import { policyContractIfStored, throwIfInvalid } from "../policies/policy-contract";
import { asObject } from "../registry/doc";

const VALUES = "body.spec.values";

/**
 * `createBlock`: every policy the block will run (the component's, with the spec's
 * `policyRulesSpec` replacing or adding by name) with its settings and parameters over the
 * policy's defaults, against the policy's schemas. Errors name the spec's entry, or the component's
 * for a policy the block inherits. Policies not in the registry are not checked here.
 */
export async function checkBlockPolicyValues(db: Db, spec: TBlockSpec, policies: Record<string, unknown>) {
  const fromSpec = new Map((spec.policyRulesSpec ?? []).map((r, i) => [r.values.name, i]));
  const errors: TSpecError[] = [];
  for (const [name, entry] of Object.entries(policies)) {
    const ref = asObject(entry);
    if (typeof ref.policyRuleURI !== "string") continue;
    const contract = await policyContractIfStored(db, ref.policyRuleURI);
    if (!contract) continue;
    const i = fromSpec.get(name);
    const at = i === undefined ? `component.policies.${name}` : `${VALUES}.policyRulesSpec[${i}].values`;
    errors.push(
      ...validatePolicyValues(
        contract,
        { settings: asObject(ref.settings), parameters: asObject(ref.parameters) },
        { settings: `${at}.settings`, parameters: `${at}.parameters` },
      ),
    );
  }
  throwIfInvalid(errors, "invalid policy values");
}
