/**
 * What a stored policy promises its callers, and the checks that hold callers to it: settings and
 * parameters (the caller's values over the policy's defaults) against `policySettingsSchema` /
 * `policyParametersSchema`, and management commands against `managementCommandsSchema`. A policy
 * without a schema accepts any values; a policy without `managementCommandsSchema` any command.
 */
import type { TSpecError } from "./errors";
import { joinSpecPath, jsonSchemaIssues, type TJsonSchemaIssue, validateJsonSchema } from "./json-schema";
import { jsonSchemaSchemaIssues } from "./json-schema-check";

export interface TPolicyCommand {
  name: string;
  description?: string | undefined;
  /** JSON Schema of the command's data; absent: any data. */
  schema?: unknown;
}

export interface TPolicyContract {
  settingsSchema?: unknown;
  parametersSchema?: unknown;
  settings: Record<string, unknown>;
  parameters: Record<string, unknown>;
  /** Undefined when the policy does not declare its commands. */
  managementCommands?: TPolicyCommand[] | undefined;
}

const objectOf = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The contract of a stored policy document (`createPolicy` values). */
export function policyContractOf(doc: Record<string, unknown>): TPolicyContract {
  const commands = doc.managementCommandsSchema;
  return {
    settingsSchema: doc.policySettingsSchema,
    parametersSchema: doc.policyParametersSchema,
    settings: objectOf(doc.policySettings),
    parameters: objectOf(doc.policyParameters),
    managementCommands: Array.isArray(commands)
      ? commands.flatMap((c) =>
          typeof objectOf(c).name === "string" ? [objectOf(c) as unknown as TPolicyCommand] : [],
        )
      : undefined,
  };
}

/**
 * Errors of a policy spec's own schemas and defaults (paths relative to its values): each schema is
 * one the validator enforces, the defaults satisfy them (a required setting may be left to the
 * callers), and command names are unique.
 */
export function policySpecIssues(values: {
  policySettingsSchema?: unknown;
  policyParametersSchema?: unknown;
  policySettings?: unknown;
  policyParameters?: unknown;
  managementCommandsSchema?: ReadonlyArray<{ name: string; schema?: unknown }> | undefined;
}): TJsonSchemaIssue[] {
  const out: TJsonSchemaIssue[] = [];
  const pairs = [
    ["policySettingsSchema", "policySettings"],
    ["policyParametersSchema", "policyParameters"],
  ] as const;
  for (const [schemaKey, defaultsKey] of pairs) {
    const schema = values[schemaKey];
    if (schema === undefined) continue;
    const bad = jsonSchemaSchemaIssues(schema);
    out.push(...bad.map((i) => ({ path: [schemaKey, ...i.path], message: i.message })));
    if (bad.length > 0) continue;
    const issues = jsonSchemaIssues(schema, values[defaultsKey] ?? {}, { partial: true });
    out.push(...issues.map((i) => ({ path: [defaultsKey, ...i.path], message: i.message })));
  }
  const seen = new Set<string>();
  for (const [i, command] of (values.managementCommandsSchema ?? []).entries()) {
    if (seen.has(command.name)) {
      out.push({
        path: ["managementCommandsSchema", i, "name"],
        message: `${command.name} is declared twice`,
      });
    }
    seen.add(command.name);
    if (command.schema === undefined) continue;
    out.push(
      ...jsonSchemaSchemaIssues(command.schema).map((x) => ({
        path: ["managementCommandsSchema", i, "schema", ...x.path],
        message: x.message,
      })),
    );
  }
  return out;
}

/**
 * The caller's settings and parameters, each merged over the policy's defaults (the caller's
 * values win, key by key), against the policy's schemas. Errors name the caller's field.
 */
export function validatePolicyValues(
  contract: TPolicyContract,
  given: { settings?: object | undefined; parameters?: object | undefined },
  paths: { settings: string; parameters: string } = { settings: "settings", parameters: "parameters" },
): TSpecError[] {
  return [
    ...validateJsonSchema(
      contract.settingsSchema,
      { ...contract.settings, ...given.settings },
      paths.settings,
    ),
    ...validateJsonSchema(
      contract.parametersSchema,
      { ...contract.parameters, ...given.parameters },
      paths.parameters,
    ),
  ];
}

/**
 * A management command against the policy's declared commands: an undeclared one is refused
 * naming the known ones; the data must satisfy the command's schema (absent data counts as `{}`).
 */
export function validateManagementCommand(
  contract: Pick<TPolicyContract, "managementCommands">,
  action: string,
  data: unknown,
  paths: { action: string; data: string } = { action: "action", data: "data" },
): TSpecError[] {
  const commands = contract.managementCommands;
  if (commands === undefined) return [];
  const command = commands.find((c) => c.name === action);
  if (!command) {
    const known = commands.map((c) => c.name);
    return [
      {
        path: paths.action,
        message:
          known.length > 0
            ? `unknown command ${JSON.stringify(action)}; the policy's commands: ${known.join(", ")}`
            : `unknown command ${JSON.stringify(action)}; the policy declares no management commands`,
      },
    ];
  }
  if (command.schema === undefined) return [];
  if (data !== undefined) return validateJsonSchema(command.schema, data, paths.data);
  return jsonSchemaIssues(command.schema, {}).map((i) =>
    i.path.length === 0
      ? { path: paths.data, message: `Required (${i.message.replace(/, got object$/, "")})` }
      : { path: joinSpecPath(paths.data, i.path), message: i.message },
  );
}
