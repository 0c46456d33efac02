import { z } from "zod";
import { fieldIssues } from "./field-issues";

/**
 * An environment variable that holds JSON, for a zod env schema: `jsonEnv("AIOS_X").pipe(ZX)`.
 * Text that is not JSON is an issue naming the variable; the piped schema's issues carry the
 * variable's name first in their path (`AIOS_X.plan.nodes`).
 */
export function jsonEnv(name: string) {
  return z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `${name} is not JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
  });
}

/** The environment did not pass its schema; the message is `heading` then one line per issue. */
export class EnvError extends Error {}

/** Validates `source` (the environment) with `schema`; throws EnvError listing `  <path>: <message>`. */
export function parseEnv<S extends z.ZodType>(schema: S, source: unknown, heading: string): z.output<S> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = fieldIssues(parsed.error).map((i) => `  ${i.path}: ${i.message}`);
  throw new EnvError(`${heading}\n${lines.join("\n")}`);
}

/**
 * For a process's entry point: `parseEnv`, but an invalid environment is written to stderr
 * (`<service>: invalid environment` and the issues) and the process exits 1.
 */
export function parseEnvOrExit<S extends z.ZodType>(
  schema: S,
  source: unknown,
  service: string,
): z.output<S> {
  try {
    return parseEnv(schema, source, `${service}: invalid environment`);
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
