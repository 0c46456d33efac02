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

/** Loopback addresses: 127.0.0.0/8, ::1 (bare or bracketed) and `localhost`. */
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/i;

/** Whether a listen address faces this machine only (the wildcard 0.0.0.0 and :: face every network). */
export const isLoopbackHost = (host: string): boolean => LOOPBACK.test(host.trim());

/**
 * For an env schema's `superRefine`: a process that listens on a non-loopback address must run with
 * `AIOS_AUTH=token`; open mode makes every caller an admin, so it is refused off loopback. The issue
 * is on `hostVariable` and says how to turn auth on.
 */
export function refuseOpenAuthOffLoopback(
  bind: { host: string; auth: "open" | "token"; hostVariable: string },
  ctx: z.RefinementCtx,
): void {
  if (bind.auth === "token" || isLoopbackHost(bind.host)) return;
  ctx.addIssue({
    code: "custom",
    path: [bind.hostVariable],
    message:
      `${bind.host} is not a loopback address and AIOS_AUTH is "open" (every caller an admin): ` +
      `set AIOS_AUTH=token to listen there (callers then need API tokens), or listen on 127.0.0.1`,
  });
}
