import { z } from "zod";
import { atMost, MAX_NAME_LENGTH, MAX_TAG_LENGTH, MAX_TAGS } from "../limits";
import { isNumericDatatype, type TTensorDatatype, ZTensorDatatype, ZTensorShape } from "../tensors";
import { ZPolicyRuleUri } from "../uri";

/** Free-form JSON object (settings, parameters, metadata): any keys, any values. */
export const ZJsonObject = z.record(z.string(), z.unknown());
export type TJsonObject = z.infer<typeof ZJsonObject>;

export const ZNonEmptyString = z.string().trim().min(1);
/** A free-form name (a region, a block's policy): not empty, at most MAX_NAME_LENGTH characters. */
export const ZNonEmptyName = ZNonEmptyString.max(MAX_NAME_LENGTH, {
  error: atMost(MAX_NAME_LENGTH, "characters", "MAX_NAME_LENGTH"),
});
/** One tag: not empty, at most MAX_TAG_LENGTH characters. */
export const ZTag = ZNonEmptyString.max(MAX_TAG_LENGTH, {
  error: atMost(MAX_TAG_LENGTH, "characters", "MAX_TAG_LENGTH"),
});
export const ZTags = z.array(ZTag).max(MAX_TAGS, { error: atMost(MAX_TAGS, "tags", "MAX_TAGS") });

/** `{policyRuleURI, parameters, settings}` as used by blocks, vDAG nodes, controllers and clusters. */
export const ZPolicyRuleRef = z.looseObject({
  policyRuleURI: ZPolicyRuleUri,
  parameters: ZJsonObject.optional(),
  settings: ZJsonObject.optional(),
});
export type TPolicyRuleRef = z.infer<typeof ZPolicyRuleRef>;

export const PROTOCOL_FIELD_TYPES = ["string", "number", "boolean", "array", "object", "any"] as const;

export type TProtocolField = {
  type: (typeof PROTOCOL_FIELD_TYPES)[number];
  description?: string;
  pattern?: string;
  length?: number;
  min?: number;
  max?: number;
  choices?: unknown[];
  max_length?: number;
  properties?: Record<string, TProtocolField>;
  items?: TProtocolField;
  /** The field as an Open Inference Protocol tensor: its datatype (default from `type`). */
  datatype?: TTensorDatatype;
  /** ... and its shape, -1 for any size (default [1], or [-1] for an array). */
  shape?: number[];
  [key: string]: unknown;
};

function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** One field of a protocol template (reference §2.2). Documentation and validation only. */
export const ZProtocolField: z.ZodType<TProtocolField> = z.lazy(() =>
  z
    .looseObject({
      type: z.enum(PROTOCOL_FIELD_TYPES),
      description: z.string().optional(),
      pattern: z.string().refine(isValidRegex, { error: "must be a valid regular expression" }).optional(),
      length: z.number().int().min(0).optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      choices: z.array(z.unknown()).optional(),
      max_length: z.number().int().min(0).optional(),
      properties: z.record(z.string(), ZProtocolField).optional(),
      items: ZProtocolField.optional(),
      datatype: ZTensorDatatype.optional(),
      shape: ZTensorShape.optional(),
    })
    .superRefine(checkTensorHints),
);

/**
 * A field's tensor hints fit its type: a string is BYTES, a boolean BOOL, a number a numeric
 * datatype, an object BYTES (its JSON text); a field of one value (not an array) has one element.
 */
function checkTensorHints(field: TProtocolField, ctx: z.RefinementCtx): void {
  const { type, datatype, shape } = field;
  const fits: Record<TProtocolField["type"], (d: TTensorDatatype) => boolean> = {
    string: (d) => d === "BYTES",
    boolean: (d) => d === "BOOL",
    number: isNumericDatatype,
    object: (d) => d === "BYTES",
    any: (d) => d === "BYTES",
    array: () => true,
  };
  if (datatype && !fits[type](datatype)) {
    ctx.addIssue({
      code: "custom",
      path: ["datatype"],
      message: `a field of type ${type} cannot be a ${datatype} tensor (${type === "number" ? "use a numeric datatype" : type === "boolean" ? "use BOOL" : "use BYTES"})`,
    });
  }
  if (shape && type !== "array" && shape.some((size) => size !== 1)) {
    ctx.addIssue({
      code: "custom",
      path: ["shape"],
      message: `a field of type ${type} is one value: its shape has only 1s (e.g. [1]); give type array for more`,
    });
  }
}

/** Protocol template: `field -> {type, description, ...}`. */
export const ZProtocolTemplate = z.record(z.string(), ZProtocolField);
export type TProtocolTemplate = z.infer<typeof ZProtocolTemplate>;
