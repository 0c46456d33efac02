import { EnvError, parseEnv } from "@aios/contracts";
import type { z } from "zod";

// The environment's validation is @aios/contracts's (pure, so the console's server uses it too); a
// process takes it from here with the rest of its kit.
export {
  EnvError,
  isLoopbackHost,
  jsonEnv,
  parseEnv,
  refuseOpenAuthOffLoopback,
} from "@aios/contracts";

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
