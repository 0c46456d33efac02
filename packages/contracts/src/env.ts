/**
 * An environment's validation, pure (no `process`), so a process, the console's server routes and a
 * test use the same one. Each app declares one zod schema of its variables and parses it here.
 */
import { z } from "zod";
import { type FieldIssue, formatIssue, safeParseSpec } from "./errors";

/**
 * An environment variable that holds JSON, for a zod env schema: `jsonEnv("AIOS_X").pipe(ZX)`.
 * Text that is not JSON is an issue naming the variable; the piped schema's issues carry the
 * variable's name first in their path (`AIOS_X.plan.nodes[0]`).
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

/** The environment did not pass its schema: `heading`, then one `  <variable>: <reason>` line per issue. */
export class EnvError extends Error {
  override readonly name: string = "EnvError";
  constructor(
    heading: string,
    readonly issues: FieldIssue[],
  ) {
    super([heading, ...issues.map((i) => `  ${formatIssue(i)}`)].join("\n"));
  }
}

/**
 * Validates `source` (the environment) with `schema`, messages as the Parser words them (`Required`,
 * `expected one of "a", "b", got "c"`; a message written on the schema wins); throws EnvError.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: unknown, heading: string): z.output<S> {
  const parsed = safeParseSpec(schema, source);
  if (parsed.ok) return parsed.data;
  throw new EnvError(
    heading,
    parsed.errors.map((i) => (i.path === "" ? { ...i, path: "(env)" } : i)),
  );
}
