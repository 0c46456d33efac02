import {
  policyContractOf,
  type TPolicyContract,
  type TSpecError,
  validateManagementCommand,
  validatePolicyValues,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import { NotFoundError, UserError } from "../../errors";
import { asObject } from "../registry/doc";
import { storedPolicy } from "./policy-record";

/**
 * Holds callers to what a stored policy declares (`@aios/contracts` policy-contract.ts): settings and
 * parameters merged over its defaults against its schemas, management commands against its
 * declared commands. Every entry point that hands values or commands to a policy checks here
 * first, so a bad value is refused before anything is stored, queued or run.
 */

/** The stored policy's contract; `field` names the caller's reference in the NotFound. */
export async function policyContract(db: Db, policyRuleURI: string, field = "policyRuleURI") {
  const contract = await policyContractIfStored(db, policyRuleURI);
  if (!contract) throw new NotFoundError("policy", policyRuleURI, field);
  return contract;
}

/**
 * The contract of a policy that may be missing (references the registry does not check yet). Every
 * call of the central executor checks its values here (`storedPolicy` reads a version once).
 */
export async function policyContractIfStored(db: Db, policyRuleURI: string): Promise<TPolicyContract | null> {
  const row = await storedPolicy(db, policyRuleURI);
  return row ? policyContractOf(asObject(row.doc)) : null;
}

/** Throws the API's validation error (issues in `error.data.issues`) when there are any. */
export function throwIfInvalid(errors: TSpecError[], what: string): void {
  if (errors.length > 0) throw UserError.fromIssues(errors, what);
}

export interface ValueFields {
  /** Where the caller gave the settings (`settings`, `body.spec.values.policyRulesSpec[0].values.settings`). */
  settings: string;
  parameters: string;
}

/** The caller's settings and parameters for a stored policy, over its defaults, against its schemas. */
export async function checkPolicyValues(
  db: Db,
  policyRuleURI: string,
  given: { settings?: object | undefined; parameters?: object | undefined },
  fields: ValueFields = { settings: "settings", parameters: "parameters" },
  uriField = "policyRuleURI",
): Promise<void> {
  const contract = await policyContract(db, policyRuleURI, uriField);
  throwIfInvalid(validatePolicyValues(contract, given, fields), `invalid values for ${policyRuleURI}`);
}

/** A management command for a stored policy, against its declared commands and their schemas. */
export async function checkPolicyCommand(
  db: Db,
  policyRuleURI: string,
  action: string,
  data: unknown,
  fields: { action: string; data: string } = { action: "action", data: "data" },
): Promise<void> {
  const contract = await policyContractIfStored(db, policyRuleURI);
  if (!contract) return; // the service answers for a policy it cannot find
  throwIfInvalid(
    validateManagementCommand(contract, action, data, fields),
    `invalid management command for ${policyRuleURI}`,
  );
}
