import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { CliUsageError } from "./io";

/** An option's JSON value: inline JSON, or the path of a JSON or YAML file. */
export function jsonValue(option: string, value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^[[{"]|^-?\d|^(true|false|null)$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch (err) {
      if (!existsSync(value))
        throw new CliUsageError(`${option} is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!existsSync(value))
    throw new CliUsageError(`${option}: no such file ${JSON.stringify(value)} (and not inline JSON)`);
  try {
    return parseYaml(readFileSync(value, "utf8"));
  } catch (err) {
    throw new CliUsageError(`${option}: ${value} is not valid JSON or YAML: ${(err as Error).message}`);
  }
}

export function objectValue(option: string, value: string | undefined): Record<string, unknown> | undefined {
  const v = jsonValue(option, value);
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new CliUsageError(`${option} must be a JSON object`);
  return v as Record<string, unknown>;
}

export function intValue(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliUsageError(`${option} must be a whole number, got ${JSON.stringify(value)}`);
  return n;
}

export const print = (out: (t: string) => void, value: unknown) => out(JSON.stringify(value, null, 2));
