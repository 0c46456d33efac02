/** Lenient readers for a record's stored `doc` (the spec values as submitted). */

export type JsonObject = Record<string, unknown>;

export function asObject(v: unknown): JsonObject | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export interface ProtocolRow {
  field: string;
  type: string;
  description: string | undefined;
  constraints: string[];
}

const CONSTRAINT_KEYS = ["min", "max", "length", "max_length", "pattern", "choices"] as const;

/** Flattens a protocol template (`field -> {type, description, ...}`) into table rows; nested
 * `properties` become `a.b` and array `items` become `a[]`. */
export function protocolRows(template: unknown, prefix = ""): ProtocolRow[] {
  const obj = asObject(template);
  if (!obj) return [];
  const rows: ProtocolRow[] = [];
  for (const [name, raw] of Object.entries(obj)) {
    const f = asObject(raw) ?? {};
    const field = `${prefix}${name}`;
    const constraints = CONSTRAINT_KEYS.filter((k) => f[k] !== undefined).map(
      (k) => `${k}: ${typeof f[k] === "string" ? f[k] : JSON.stringify(f[k])}`,
    );
    rows.push({ field, type: asString(f.type) ?? "any", description: asString(f.description), constraints });
    if (f.properties) rows.push(...protocolRows(f.properties, `${field}.`));
    const items = asObject(f.items);
    if (items) rows.push(...protocolRows({ "[]": items }, field));
  }
  return rows;
}

export interface CommandRow {
  name: string;
  description: string | undefined;
  /** `key: type` of each argument, or "none". */
  args: string;
}

const describeArgs = (args: JsonObject | undefined) =>
  args && Object.keys(args).length > 0
    ? Object.entries(args)
        .map(
          ([k, v]) =>
            `${k}: ${asString(asObject(v)?.type) ?? (typeof v === "string" ? v : JSON.stringify(v))}`,
        )
        .join(", ")
    : "none";

/**
 * Management commands in either stored form: a component's `name -> {description, args}` or a
 * policy's `[{name, description, schema}]` (arguments from the JSON schema's `properties`).
 */
export function commandRows(commands: unknown): CommandRow[] {
  if (Array.isArray(commands)) {
    return commands.map(asObject).flatMap((c) => {
      const name = asString(c?.name);
      if (!c || !name) return [];
      return [
        {
          name,
          description: asString(c.description),
          args: describeArgs(asObject(asObject(c.schema)?.properties)),
        },
      ];
    });
  }
  return Object.entries(asObject(commands) ?? {}).map(([name, raw]) => {
    const c = asObject(raw) ?? {};
    return { name, description: asString(c.description), args: describeArgs(asObject(c.args)) };
  });
}
