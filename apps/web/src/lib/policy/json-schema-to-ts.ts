/**
 * JSON Schema -> TypeScript type text, for the subset zod 4's `toJSONSchema` emits: objects
 * (properties, required, additionalProperties, patternProperties), arrays and tuples, enums,
 * constants, unions (anyOf/oneOf), intersections (allOf), nullable, and `$ref`s to the root or to
 * `$defs`. What it cannot express becomes `unknown`, never an error: the result feeds the policy
 * editor's completion, where a loose type is better than none.
 */

export type JsonSchema = boolean | JsonSchemaObject;

export interface JsonSchemaObject {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  /** OpenAPI 3.0 style; zod emits `anyOf: [T, {type: "null"}]` instead, both are understood. */
  nullable?: boolean;
  description?: string;
  [keyword: string]: unknown;
}

/** How an expression binds, so arrays and intersections know when to wrap their parts. */
type Binding = "primary" | "intersection" | "union";

interface Printed {
  text: string;
  binding: Binding;
}

interface Context {
  /** Type name for `$ref: "#"` (the root). */
  rootName: string;
  /** `$defs`/`definitions` key -> type name. */
  defNames: Map<string, string>;
  indent: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const INDENT = "  ";

const primary = (text: string): Printed => ({ text, binding: "primary" });

/** A property key as TypeScript accepts it in a type literal. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

function literal(value: unknown): Printed {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
    return primary(JSON.stringify(value));
  }
  return primary("unknown");
}

function union(members: Printed[]): Printed {
  const texts: string[] = [];
  for (const m of members) {
    if (m.text === "never" || texts.includes(m.text)) continue;
    if (m.text === "unknown") return primary("unknown");
    texts.push(m.text);
  }
  if (texts.length === 0) return primary("never");
  if (texts.length === 1) return members.find((m) => m.text === texts[0]) ?? primary("never");
  return { text: texts.join(" | "), binding: "union" };
}

function intersection(members: Printed[]): Printed {
  const parts = members.filter((m) => m.text !== "unknown");
  if (parts.length === 0) return primary("unknown");
  if (parts.length === 1 && parts[0]) return parts[0];
  return {
    text: parts.map((m) => (m.binding === "union" ? `(${m.text})` : m.text)).join(" & "),
    binding: "intersection",
  };
}

function arrayOf(item: Printed): Printed {
  return primary(item.binding === "primary" ? `${item.text}[]` : `Array<${item.text}>`);
}

function refName(ref: string, ctx: Context): string {
  if (ref === "#") return ctx.rootName;
  const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  const key = m?.[1] ? decodeURIComponent(m[1].replace(/~1/g, "/").replace(/~0/g, "~")) : undefined;
  return (key !== undefined && ctx.defNames.get(key)) || "unknown";
}

function docComment(description: string | undefined, indent: string): string {
  if (!description) return "";
  const lines = description.split("\n").map((l) => l.replace(/\*\//g, "*\\/"));
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join("\n")}\n${indent} */\n`;
}

function isSchemaObject(s: JsonSchema | undefined): s is JsonSchemaObject {
  return typeof s === "object" && s !== null && !Array.isArray(s);
}

/** What an index signature holds: `undefined` = none, else its value type. */
function indexSignature(s: JsonSchemaObject, ctx: Context): Printed | undefined {
  const extra: Printed[] = [];
  const additional = s.additionalProperties;
  if (additional !== undefined && additional !== false) extra.push(print(additional, ctx));
  for (const p of Object.values(s.patternProperties ?? {})) extra.push(print(p, ctx));
  if (extra.length > 0) return union(extra);
  // A bare `{type: "object"}` (or only `propertyNames`) is any object, not an empty one.
  if (additional === undefined && s.properties === undefined) return primary("unknown");
  return undefined;
}

function objectType(s: JsonSchemaObject, ctx: Context): Printed {
  const inner = ctx.indent + INDENT;
  const innerCtx = { ...ctx, indent: inner };
  const required = new Set(s.required ?? []);
  const lines: string[] = [];
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const doc = isSchemaObject(prop) ? docComment(prop.description, inner) : "";
    const optional = required.has(name) ? "" : "?";
    lines.push(`${doc}${inner}${propertyKey(name)}${optional}: ${print(prop, innerCtx).text};`);
  }
  let index = indexSignature(s, innerCtx);
  // Every property must fit the index signature; a typed one would reject the declared properties.
  if (index && lines.length > 0) index = primary("unknown");
  if (index) lines.push(`${inner}[key: string]: ${index.text};`);
  if (lines.length === 0) {
    return primary(s.additionalProperties === false ? "Record<string, never>" : "{ [key: string]: unknown }");
  }
  return primary(`{\n${lines.join("\n")}\n${ctx.indent}}`);
}

function arrayType(s: JsonSchemaObject, ctx: Context): Printed {
  if (s.prefixItems) {
    const fixed = s.prefixItems.map((p) => print(p, ctx).text);
    const rest = s.items === false ? [] : [`...${arrayOf(print(s.items ?? true, ctx)).text}`];
    return primary(`[${[...fixed, ...rest].join(", ")}]`);
  }
  return arrayOf(print(s.items ?? true, ctx));
}

function typeNamed(type: string, s: JsonSchemaObject, ctx: Context): Printed {
  switch (type) {
    case "string":
      return primary("string");
    case "number":
    case "integer":
      return primary("number");
    case "boolean":
      return primary("boolean");
    case "null":
      return primary("null");
    case "array":
      return arrayType(s, ctx);
    case "object":
      return objectType(s, ctx);
    default:
      return primary("unknown");
  }
}

/** The schema's own keywords (type, properties, items, ...), ignoring its combinators. */
function ownType(s: JsonSchemaObject, ctx: Context): Printed | undefined {
  if (s.$ref !== undefined) return primary(refName(s.$ref, ctx));
  if ("const" in s) return literal(s.const);
  if (s.enum) return union(s.enum.map(literal));
  if (Array.isArray(s.type)) return union(s.type.map((t) => typeNamed(t, s, ctx)));
  if (typeof s.type === "string") return typeNamed(s.type, s, ctx);
  if (s.properties || s.additionalProperties !== undefined || s.patternProperties) {
    return objectType(s, ctx);
  }
  if (s.items !== undefined || s.prefixItems) return arrayType(s, ctx);
  return undefined;
}

function print(schema: JsonSchema, ctx: Context): Printed {
  if (schema === true) return primary("unknown");
  if (schema === false) return primary("never");
  const parts: Printed[] = [];
  const own = ownType(schema, ctx);
  if (own) parts.push(own);
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (alternatives.length > 0) parts.push(union(alternatives.map((a) => print(a, ctx))));
  for (const a of schema.allOf ?? []) parts.push(print(a, ctx));
  const result = parts.length === 0 ? primary("unknown") : intersection(parts);
  return schema.nullable ? union([result, primary("null")]) : result;
}

/** A `$defs` key as a type name suffix: `__schema0` -> `Schema0`. */
function pascal(key: string): string {
  const words = key.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return /^[A-Za-z]/.test(name) ? name : `Def${name}`;
}

/**
 * What the converter takes: a `JsonSchema`, or any schema object (zod's own `JSONSchema` type is
 * stricter in places than this reader needs; unknown keywords are ignored).
 */
export type SchemaInput = JsonSchema | object;

/** The TypeScript type of `schema` as one expression (definitions are not declared). */
export function jsonSchemaToTsType(schema: SchemaInput, rootName = "unknown"): string {
  return print(schema as JsonSchema, { rootName, defNames: new Map(), indent: "" }).text;
}

export interface DeclarationOptions {
  /** `export type` rather than `type`. */
  exported?: boolean;
  /** A doc comment on the declaration. */
  description?: string;
  /** The value may also be absent (zod's `.optional()` at the root, which JSON Schema cannot say). */
  optional?: boolean;
}

/**
 * `type <name> = ...;` for `schema`, preceded by one declaration per `$defs` entry
 * (`<name><Key>`), which `$ref`s point to; `$ref: "#"` refers to `<name>` itself.
 */
export function jsonSchemaToTsDeclarations(
  input: SchemaInput,
  name: string,
  options: DeclarationOptions = {},
): string {
  const schema = input as JsonSchema;
  const defs = isSchemaObject(schema) ? { ...schema.definitions, ...schema.$defs } : {};
  const defNames = new Map(Object.keys(defs).map((key) => [key, `${name}${pascal(key)}`]));
  const ctx: Context = { rootName: name, defNames, indent: "" };
  const keyword = options.exported ? "export type" : "type";
  const out: string[] = [];
  for (const [key, def] of Object.entries(defs)) {
    out.push(`${keyword} ${defNames.get(key)} = ${print(def, ctx).text};`);
  }
  let root = print(schema, ctx);
  if (options.optional) root = union([root, primary("undefined")]);
  out.push(`${docComment(options.description, "")}${keyword} ${name} = ${root.text};`);
  return out.join("\n");
}
