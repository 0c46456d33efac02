import { describe, expect, it } from "vitest";
import { policyContractOf, validateManagementCommand, validatePolicyValues } from "../src/index";
import { errorsOf, V, valuesOf } from "./fixtures";

const SETTINGS_SCHEMA = {
  type: "object",
  properties: { maxRequests: { type: "integer", minimum: 1 }, mode: { enum: ["fast", "safe"] } },
  required: ["maxRequests"],
  additionalProperties: false,
};

const policy = (extra: Record<string, unknown> = {}) => ({
  name: "limiter",
  version: "1.0.0",
  releaseTag: "stable",
  kind: "quotaChecker",
  code: "export default definePolicy({ kind: 'quotaChecker', eval: () => ({ allowed: true }) });",
  policySettingsSchema: SETTINGS_SCHEMA,
  ...extra,
});

describe("createPolicy: schemas and defaults", () => {
  it("accepts defaults that satisfy the schema, and partial ones (a required setting left to callers)", () => {
    expect(valuesOf("createPolicy", policy({ policySettings: { maxRequests: 5 } }))).toBeTruthy();
    expect(valuesOf("createPolicy", policy({ policySettings: { mode: "fast" } }))).toBeTruthy();
  });

  it("refuses defaults that break the schema, naming the field", () => {
    expect(errorsOf("createPolicy", policy({ policySettings: { maxRequests: 0, other: 1 } }))).toEqual([
      { path: `${V}.policySettings.maxRequests`, message: "must be an integer >= 1, got 0" },
      { path: `${V}.policySettings.other`, message: "unknown field; known: maxRequests, mode" },
    ]);
    expect(
      errorsOf(
        "createPolicy",
        policy({
          policyParametersSchema: { properties: { k: { type: "string" } } },
          policyParameters: { k: 1 },
        }),
      ),
    ).toEqual([{ path: `${V}.policyParameters.k`, message: "must be a string, got number" }]);
  });

  it("refuses schemas the validator would not enforce, and commands declared twice", () => {
    expect(errorsOf("createPolicy", policy({ policySettingsSchema: { if: {}, type: "object" } }))).toEqual([
      {
        path: `${V}.policySettingsSchema.if`,
        message: "the keyword if is not supported by the policy validator",
      },
    ]);
    const errors = errorsOf(
      "createPolicy",
      policy({
        managementCommandsSchema: [{ name: "reset", schema: { type: "objekt" } }, { name: "reset" }],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual([
      `${V}.managementCommandsSchema[0].schema.type`,
      `${V}.managementCommandsSchema[1].name`,
    ]);
  });
});

describe("policy values and commands against the contract", () => {
  const contract = policyContractOf({
    policySettingsSchema: SETTINGS_SCHEMA,
    policySettings: { maxRequests: 10 },
    policyParametersSchema: { properties: { region: { type: "string" } } },
    managementCommandsSchema: [
      {
        name: "setLimit",
        schema: {
          type: "object",
          properties: { sessionId: { type: "string" }, limit: { type: "integer", minimum: 0 } },
          required: ["sessionId", "limit"],
        },
      },
      { name: "reset" },
    ],
  });

  it("validates the caller's values merged over the defaults", () => {
    expect(validatePolicyValues(contract, { settings: { mode: "safe" } })).toEqual([]);
    expect(
      validatePolicyValues(contract, { settings: { maxRequests: 0 }, parameters: { region: 3 } }),
    ).toEqual([
      { path: "settings.maxRequests", message: "must be an integer >= 1, got 0" },
      { path: "parameters.region", message: "must be a string, got number" },
    ]);
    expect(
      validatePolicyValues(
        contract,
        { settings: { mode: "slow" } },
        { settings: "body.spec.values.policyRulesSpec[0].values.settings", parameters: "p" },
      ),
    ).toEqual([
      {
        path: "body.spec.values.policyRulesSpec[0].values.settings.mode",
        message: 'must be one of "fast", "safe", got "slow"',
      },
    ]);
  });

  it("a policy without schemas accepts anything", () => {
    expect(
      validatePolicyValues(policyContractOf({}), { settings: { x: [1] }, parameters: { y: null } }),
    ).toEqual([]);
    expect(validateManagementCommand(policyContractOf({}), "anything", 1)).toEqual([]);
  });

  it("refuses an undeclared command naming the known ones, and checks the data", () => {
    expect(validateManagementCommand(contract, "drop", {})).toEqual([
      { path: "action", message: 'unknown command "drop"; the policy\'s commands: setLimit, reset' },
    ]);
    expect(validateManagementCommand(policyContractOf({ managementCommandsSchema: [] }), "x", {})).toEqual([
      { path: "action", message: 'unknown command "x"; the policy declares no management commands' },
    ]);
    expect(validateManagementCommand(contract, "reset", undefined)).toEqual([]);
    expect(validateManagementCommand(contract, "setLimit", { sessionId: "s", limit: -1 })).toEqual([
      { path: "data.limit", message: "must be an integer >= 0, got -1" },
    ]);
    expect(
      validateManagementCommand(contract, "setLimit", undefined, { action: "mgmtCommand", data: "mgmtData" }),
    ).toEqual([
      { path: "mgmtData.sessionId", message: "Required" },
      { path: "mgmtData.limit", message: "Required" },
    ]);
    const scalar = policyContractOf({
      managementCommandsSchema: [{ name: "n", schema: { type: "integer" } }],
    });
    expect(validateManagementCommand(scalar, "n", undefined)).toEqual([
      { path: "data", message: "Required (must be an integer)" },
    ]);
  });
});
