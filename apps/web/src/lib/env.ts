import { parseEnv } from "@aios/contracts";
import { z } from "zod";

/**
 * What the console's server side reads from its environment, validated with a message that names
 * the variable. Parsed on first use (per process), so the values can change without a rebuild.
 * Server-side only: the browser never has these variables.
 */
export const ZWebEnv = z.object({
  /** Where the route handlers forward `/trpc` and `/v1/*` to. */
  AIOS_API_URL: z
    .url({ protocol: /^https?$/, message: "AIOS_API_URL must be an http:// or https:// URL" })
    .default("http://127.0.0.1:4000")
    .transform((url) => url.replace(/\/+$/, "")),
  /** The console's own port (server-side rendering calls its own `/trpc`). */
  PORT: z.coerce
    .number({ message: "PORT must be a port number" })
    .int("PORT must be a port number")
    .min(1, "PORT must be between 1 and 65535")
    .max(65535, "PORT must be between 1 and 65535")
    .default(3000),
  /**
   * Where the console keeps its session key (`session-key`, mode 0600). Unset: a key made at start
   * and held in memory, so sessions end when the console restarts.
   */
  AIOS_WEB_DATA_DIR: z.string().min(1, "AIOS_WEB_DATA_DIR must be a directory path").optional(),
});

export type TWebEnv = z.infer<typeof ZWebEnv>;

export function loadWebEnv(source: Record<string, string | undefined>): TWebEnv {
  return parseEnv(ZWebEnv, source, "invalid console configuration:");
}

let cached: TWebEnv | undefined;

/** The console's validated environment (server side). */
export function webEnv(): TWebEnv {
  cached ??= loadWebEnv(process.env);
  return cached;
}
