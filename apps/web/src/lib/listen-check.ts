import { parseEnv, refuseOpenAuthOffLoopback } from "@aios/contracts";
import { z } from "zod";

/**
 * The address `next start` / `next dev` listens on, from its command line (`-H`, `--hostname`,
 * `--hostname=`); without one Next.js listens on every interface, so that is `0.0.0.0`.
 */
export function listenHostOf(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((arg === "-H" || arg === "--hostname") && argv[i + 1]) return argv[i + 1]!;
    if (arg.startsWith("--hostname=")) return arg.slice("--hostname=".length);
    if (arg.startsWith("-H") && arg.length > 2) return arg.slice(2);
  }
  return "0.0.0.0";
}

/** The console's listen address and auth mode, checked as every process's are at start. */
const ZConsoleListen = z
  .object({
    /** Not a variable: the host from the command line (`-H`, `--hostname`). */
    hostname: z.string(),
    AIOS_AUTH: z.enum(["open", "token"]).default("open"),
  })
  .superRefine((env, ctx) =>
    refuseOpenAuthOffLoopback({ host: env.hostname, auth: env.AIOS_AUTH, hostVariable: "hostname" }, ctx),
  );

/**
 * Throws (EnvError) when the console would listen off loopback with `AIOS_AUTH` other than `token`:
 * the console acts for its callers, so open mode off loopback would make the network an admin.
 */
export function checkConsoleListen(argv: readonly string[], env: Record<string, string | undefined>): void {
  parseEnv(
    ZConsoleListen,
    { hostname: listenHostOf(argv), AIOS_AUTH: env.AIOS_AUTH },
    "console: refusing to start (next start --hostname):",
  );
}

/** For the server's start (instrumentation): `checkConsoleListen`, its refusal written to stderr and exit 1. */
export function exitUnlessConsoleMayListen(): void {
  try {
    checkConsoleListen(process.argv, process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
