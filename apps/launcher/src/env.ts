import { resolve } from "node:path";
import { parseEnv } from "@aios/service-kit";
import { z } from "zod";

export const ZLauncherEnv = z.object({
  AIOS_HOME: z.string().default(".aios"),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, message: "DATABASE_URL must be a postgres:// or postgresql:// URL" })
    .optional(),
  REDIS_URL: z.url().optional(),
  AIOS_API_PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  AIOS_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  AIOS_CLUSTER_ID: z.string().default("local"),
  AIOS_AUTH: z.enum(["open", "token"]).default("open"),
  /** `0` skips the console (API, agent and data stores only). */
  AIOS_WEB: z.enum(["0", "1"]).default("1"),
  /** `0` skips loading examples/ into the registries at start. */
  AIOS_SEED: z.enum(["0", "1"]).default("1"),
  AIOS_LOG_FORMAT: z.enum(["pretty", "json"]).default("pretty"),
  /** The launcher's own level; the API and the agent read the same variable from the environment. */
  AIOS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type TLauncherEnv = z.infer<typeof ZLauncherEnv> & { home: string; repoRoot: string };

export function loadLauncherEnv(repoRoot: string, source = process.env): TLauncherEnv {
  const env = parseEnv(ZLauncherEnv, source, "invalid configuration:");
  return { ...env, home: resolve(repoRoot, env.AIOS_HOME), repoRoot };
}
