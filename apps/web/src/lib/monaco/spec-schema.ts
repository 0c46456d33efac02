import { PARSER_TEMPLATE_URI, SPEC_VALUE_SCHEMAS, type TSpecAction } from "@aios/contracts";

export type JsonSchema = { [key: string]: unknown };

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/** The id Monaco knows a spec document's schema by (never fetched: schemas are given inline). */
export const specSchemaUri = (action: TSpecAction) => `https://schemas.aios.local/spec/${action}.json`;

/** A zod check's own message (`.regex(re, { error: "must be ..." })`), when it has one. */
function checkMessage(check: unknown): string | undefined {
  const def = (check as { _zod?: { def?: { format?: string; error?: unknown } } })._zod?.def;
  if (def?.format !== "regex" || typeof def.error !== "function") return undefined;
  const message = (def.error as (issue: unknown) => unknown)({});
  return typeof message === "string" ? message : undefined;
}

/**
 * JSON Schema of `body.spec.values` for one action, from the same zod schema the Parser uses: what
 * an author may write (`io: "input"`: defaults optional), with the spec's own pattern messages
 * (`patternErrorMessage`, which Monaco shows instead of the bare regex). Refinements (min <= max,
 * "runtime.entry or containerImage") have no JSON Schema form; the server check finds those.
 */
export function specValuesJsonSchema(action: TSpecAction): JsonSchema {
  return SPEC_VALUE_SCHEMAS[action].toJSONSchema({
    io: "input",
    target: "draft-07",
    unrepresentable: "any",
    override: (ctx) => {
      const checks = (ctx.zodSchema as { _zod?: { def?: { checks?: unknown[] } } })._zod?.def?.checks;
      for (const check of checks ?? []) {
        const message = checkMessage(check);
        if (message) (ctx.jsonSchema as JsonSchema).patternErrorMessage = message;
      }
    },
  }) as JsonSchema;
}

/**
 * JSON Schema of a whole `Parser/V1` document with `action`: the strict envelope (unknown keys are
 * errors, as in the Parser) around that action's values. Definitions of the values schema (the
 * recursive protocol fields) are lifted to the root, where their `#/definitions/…` refs point.
 */
export function specDocumentJsonSchema(action: TSpecAction): JsonSchema {
  const { $schema: _, definitions, ...values } = specValuesJsonSchema(action);
  const strict = (properties: JsonSchema, required: string[]): JsonSchema => ({
    type: "object",
    properties,
    required,
    additionalProperties: false,
  });
  return {
    $schema: DRAFT_07,
    ...strict(
      {
        header: strict(
          {
            templateUri: { const: PARSER_TEMPLATE_URI, description: "Always Parser/V1" },
            action: { const: action, description: `This editor applies ${action} documents` },
            parameters: { type: "object" },
          },
          ["templateUri", "action"],
        ),
        body: strict({ spec: strict({ values }, ["values"]) }, ["spec"]),
      },
      ["header", "body"],
    ),
    ...(definitions ? { definitions } : {}),
  };
}
