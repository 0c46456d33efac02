/** The JSON Schema validator's own types, apart so that its parts import them without a circle. */
export type TJsonSchema = boolean | Record<string, unknown>;
export type TSchemaPathKey = string | number;
/** One failure, its path relative to the validated value. */
export interface TJsonSchemaIssue {
  path: TSchemaPathKey[];
  message: string;
}
