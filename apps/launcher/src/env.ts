import { resolve } from "node:path";
import { refuseOpenAuthOffLoopback } from "@aios/contracts";
import { parseEnv } from "@aios/service-kit";
import { z } from "zod";

export const ZLauncherEnv = z
  .object({
    AIOS_HOME: z.string().default(".aios"),
    DATABASE_URL: z
      .url({
        protocol: /^postgres(ql)?$/,
        message: "DATABASE_URL must be a postgres:// or postgresql:// URL",
      })
      .optional(),
    REDIS_URL: z.url().optional(),
    AIOS_API_PORT: z.coerce.number().int().min(1).max(65535).default(4000),
    AIOS_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /**
     * The API's gRPC port (the Open Inference Protocol, Triton's gRPC clients), on AIOS_HOST; 8001 as
     * Triton's; `off` serves none.
     */
    AIOS_GRPC_PORT: z.union([z.literal("off"), z.coerce.number().int().min(1).max(65535)]).default(8001),
    /**
     * The local agent's Prometheus endpoint (its node's workloads and its own metrics), on loopback;
     * `off` serves none. The API's `/metrics` is on AIOS_API_PORT.
     */
    AIOS_AGENT_METRICS_PORT: z
      .union([z.literal("off"), z.coerce.number().int().min(1).max(65535)])
      .default(9464),
    AIOS_CLUSTER_ID: z.string().default("local"),
    /**
     * The address the API, the console and the private Redis listen on (Redis on loopback too). Off
     * loopback (a management host others reach) it needs AIOS_AUTH=token, and Redis asks for a password
     * made once and kept in AIOS_HOME/redis.password (0600).
     */
    AIOS_HOST: z.string().min(1).default("127.0.0.1"),
    /** The private Redis's port; unset: a free one. */
    AIOS_REDIS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    /** `0` runs no local agent: a management host, whose nodes' agents join from other machines. */
    AIOS_AGENT: z.enum(["0", "1"]).default("1"),
    AIOS_AUTH: z.enum(["open", "token"]).default("open"),
    /** `0` skips the console (API, agent and data stores only). */
    AIOS_WEB: z.enum(["0", "1"]).default("1"),
    /** `0` skips loading examples/ into the registries at start. */
    AIOS_SEED: z.enum(["0", "1"]).default("1"),
    AIOS_LOG_FORMAT: z.enum(["pretty", "json"]).default("pretty"),
    /**
     * The key the API encrypts stored credentials with (container registries' passwords); unset:
     * made once and kept in AIOS_HOME/secrets.key (0600). The API checks its form.
     */
    AIOS_SECRETS_KEY: z.string().min(1).optional(),
    /** The launcher's own level; the API and the agent read the same variable from the environment. */
    AIOS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .superRefine((env, ctx) =>
    refuseOpenAuthOffLoopback({ host: env.AIOS_HOST, auth: env.AIOS_AUTH, hostVariable: "AIOS_HOST" }, ctx),
  );

export type TLauncherEnv = z.infer<typeof ZLauncherEnv> & { home: string; repoRoot: string };

export function loadLauncherEnv(repoRoot: string, source = process.env): TLauncherEnv {
  const env = parseEnv(ZLauncherEnv, source, "invalid configuration:");
  return { ...env, home: resolve(repoRoot, env.AIOS_HOME), repoRoot };
}
