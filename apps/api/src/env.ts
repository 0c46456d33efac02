import { parseEnv, refuseOpenAuthOffLoopback, ZMaxBodyMbEnv } from "@aios/service-kit";
import { z } from "zod";
import { networkEntries, parseAllowedNetworks } from "./address-ranges";
import { parseSecretsKey } from "./domains/container-registries/secret-box";
import { RATE_LIMIT_ENV } from "./rate-limits";
import type { OwnService } from "./workload-targets";

/** A PostgreSQL connection URL; anything else is refused at boot with the variable's name. */
export const postgresUrl = (name: string) =>
  z.url({ protocol: /^postgres(ql)?$/, message: `${name} must be a postgres:// or postgresql:// URL` });

/** The API's configuration, validated once at boot; nothing else reads process.env. */
export const ZApiEnv = z
  .object({
    DATABASE_URL: postgresUrl("DATABASE_URL"),
    REDIS_URL: z.url().optional(),
    AIOS_QUEUE_BACKEND: z.enum(["redis", "postgres"]).optional(),
    AIOS_API_PORT: z.coerce.number().int().min(1).max(65535).default(4000),
    AIOS_API_HOST: z.string().default("127.0.0.1"),
    /**
     * The Open Inference Protocol over gRPC (`inference.GRPCInferenceService`, what Triton's gRPC
     * clients call): its port; unset or `off`, no gRPC server; `0`, any free port (logged).
     */
    AIOS_GRPC_PORT: z
      .string()
      .refine((v) => v === "off" || (/^\d{1,5}$/.test(v) && Number(v) <= 65535), {
        error: "AIOS_GRPC_PORT must be a port (0: any free one) or off",
      })
      .transform((v) => (v === "off" ? ("off" as const) : Number(v)))
      .optional(),
    /** Where the gRPC server listens; unset: AIOS_API_HOST. */
    AIOS_GRPC_HOST: z.string().min(1).optional(),
    AIOS_WEB_ORIGIN: z.string().default("http://127.0.0.1:3000"),
    AIOS_AUTH: z.enum(["open", "token"]).default("open"),
    AIOS_AGENT_STALE_SECONDS: z.coerce.number().int().positive().default(30),
    /**
     * A node whose agent was silent this long is lost: it is marked, its instances are placed again on
     * the cluster's other nodes and its executors move; when it comes back it stops what it ran.
     */
    AIOS_NODE_LOST_SECONDS: z.coerce.number().positive().default(30),
    /**
     * The largest request body the data plane (`/v1/...`) reads, in MiB; larger ones get a 413. The
     * one setting of every hop: the agent passes its own to the executors, controllers and instances.
     */
    AIOS_MAX_BODY_MB: ZMaxBodyMbEnv,
    /**
     * The largest blob the assets registry keeps, in MiB (at most 2047); a larger upload is answered
     * 413 naming this setting, and nothing of it is kept.
     */
    AIOS_MAX_ASSET_MB: z.coerce.number().int().min(1).max(2047).default(512),
    /** Per-key rate limits (`<rate>/s[:<burst>]` or `off`) of data-plane invokes and of dry runs. */
    ...RATE_LIMIT_ENV,
    /** Async vDAG requests one API process forwards to controllers at once. */
    AIOS_VDAG_TASK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
    /**
     * An async vDAG task not ended this long after it was accepted is failed, saying so, and never
     * run again (the API lost it, or it waited in the queue that long). Keep it well above the
     * controller's request timeout (300 s).
     */
    AIOS_VDAG_TASK_MAX_AGE_SECONDS: z.coerce.number().int().min(1).default(3600),
    /** How often each API process looks for async tasks no queued job carries (and queues them again). */
    AIOS_VDAG_TASK_SWEEP_SECONDS: z.coerce.number().positive().default(30),
    /** Attempts of a quality webhook delivery before it is failed (a vDAG's webhook.maxAttempts wins). */
    AIOS_QUALITY_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
    /** The wait before a delivery's 2nd attempt, in ms; doubled after each failure (at most 10 min), ±20%. */
    AIOS_QUALITY_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).default(5000),
    /** How often each API process looks for due quality webhook deliveries, in ms. */
    AIOS_QUALITY_WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1000),
    /**
     * Networks quality webhooks may be sent to besides public addresses (comma-separated:
     * `127.0.0.0/8,10.1.0.0/16`); unset, none: a vDAG's webhook never reaches a loopback, private or
     * link-local address (cloud metadata) from the API.
     */
    AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS: networksSetting(),
    /**
     * The networks the API calls workloads in (executors, vDAG controllers, function replicas), as
     * their agents report them (comma-separated: `10.20.0.0/16,127.0.0.1`); unset: any address but
     * link-local (cloud metadata), unspecified, multicast and reserved ones. Never the API's own
     * database, queue or ports, whatever it lists (`workload-targets.ts`).
     */
    AIOS_WORKLOAD_NETWORKS: networksSetting(),
    AIOS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /**
     * CPU time per call and memory per isolate for the policies the API runs itself (central
     * executor, dry runs, checks at create). Unset: the sandbox's defaults (50 ms, 64 MB).
     */
    AIOS_POLICY_CPU_MS: z.coerce.number().int().positive().optional(),
    AIOS_POLICY_MEMORY_MB: z.coerce.number().int().positive().optional(),
    /**
     * The key container registries' credentials are encrypted with at rest (32 bytes, base64 or
     * hex). Unset: none can be stored (the launcher makes one under AIOS_HOME).
     */
    AIOS_SECRETS_KEY: z
      .string()
      .optional()
      .superRefine((text, ctx) => {
        if (text === undefined) return;
        try {
          parseSecretsKey(text);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message.replace(/^AIOS_SECRETS_KEY /, "") });
        }
      }),
  })
  .superRefine((env, ctx) => {
    const backend = env.AIOS_QUEUE_BACKEND ?? (env.REDIS_URL ? "redis" : "postgres");
    if (backend === "redis" && !env.REDIS_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["REDIS_URL"],
        message: "required when AIOS_QUEUE_BACKEND=redis",
      });
    }
    refuseOpenAuthOffLoopback(
      { host: env.AIOS_API_HOST, auth: env.AIOS_AUTH, hostVariable: "AIOS_API_HOST" },
      ctx,
    );
    if (
      env.AIOS_GRPC_PORT !== undefined &&
      env.AIOS_GRPC_PORT !== "off" &&
      env.AIOS_GRPC_HOST !== undefined
    ) {
      refuseOpenAuthOffLoopback(
        { host: env.AIOS_GRPC_HOST, auth: env.AIOS_AUTH, hostVariable: "AIOS_GRPC_HOST" },
        ctx,
      );
    }
  });

export type TApiEnv = z.infer<typeof ZApiEnv>;

export function loadApiEnv(source: Record<string, string | undefined> = process.env): TApiEnv {
  return parseEnv(ZApiEnv, source, "invalid API configuration:");
}

/** A comma-separated list of networks, each entry checked (the message names a bad one). */
function networksSetting() {
  return z
    .string()
    .default("")
    .transform((v, ctx) => {
      const entries = networkEntries(v);
      try {
        parseAllowedNetworks(entries);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
      }
      return entries;
    });
}

/**
 * Where the API calls workloads: AIOS_WORKLOAD_NETWORKS, and the platform's own services no
 * workload's address may lead to (its database, its queue's Redis, its HTTP and gRPC ports).
 */
export function workloadTargetsOf(env: TApiEnv): { networks: string[]; ownServices: OwnService[] } {
  const urls: Array<[string, string | undefined]> = [
    ["the API's database (DATABASE_URL)", env.DATABASE_URL],
    ["the queues' Redis (REDIS_URL)", env.REDIS_URL],
  ];
  const ownServices: OwnService[] = urls.flatMap(([name, url]) => {
    // A URL without a host (a Unix socket's) reaches nothing a workload's address could.
    if (!url || !URL.canParse(url)) return [];
    const u = new URL(url);
    if (!u.hostname) return [];
    const port = Number(u.port) || (u.protocol.startsWith("redis") ? 6379 : 5432);
    return [{ name, host: u.hostname, port }];
  });
  ownServices.push({ name: "the API (AIOS_API_PORT)", host: env.AIOS_API_HOST, port: env.AIOS_API_PORT });
  const grpc = grpcListenOf(env);
  if (grpc && grpc.port !== 0) ownServices.push({ name: "the API's gRPC (AIOS_GRPC_PORT)", ...grpc });
  return { networks: env.AIOS_WORKLOAD_NETWORKS, ownServices };
}

/** The limits for the API's policy host; a variable left unset keeps the sandbox's default. */
export function policyLimitsOf(env: TApiEnv): { cpuTimeMs?: number; memoryMb?: number } {
  return {
    ...(env.AIOS_POLICY_CPU_MS !== undefined && { cpuTimeMs: env.AIOS_POLICY_CPU_MS }),
    ...(env.AIOS_POLICY_MEMORY_MB !== undefined && { memoryMb: env.AIOS_POLICY_MEMORY_MB }),
  };
}

/** The key of the API's secret box; null when none is set. */
export const secretsKeyOf = (env: TApiEnv): Buffer | null =>
  env.AIOS_SECRETS_KEY ? parseSecretsKey(env.AIOS_SECRETS_KEY) : null;

export function queueBackendOf(env: TApiEnv) {
  const kind = env.AIOS_QUEUE_BACKEND ?? (env.REDIS_URL ? "redis" : "postgres");
  return kind === "redis"
    ? ({ kind, url: env.REDIS_URL ?? "" } as const)
    : ({ kind, url: env.DATABASE_URL } as const);
}

/** Quality webhook deliveries: attempts, first backoff, polling period, the networks allowed. */
export function qualityWebhookSettingsOf(env: TApiEnv) {
  return {
    maxAttempts: env.AIOS_QUALITY_WEBHOOK_MAX_ATTEMPTS,
    backoffBaseMs: env.AIOS_QUALITY_WEBHOOK_BACKOFF_MS,
    pollMs: env.AIOS_QUALITY_WEBHOOK_POLL_MS,
    allowedNetworks: env.AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS,
  };
}

/** Where the gRPC frontend of the Open Inference Protocol listens; null when AIOS_GRPC_PORT is unset or off. */
export function grpcListenOf(env: TApiEnv): { port: number; host: string } | null {
  if (env.AIOS_GRPC_PORT === undefined || env.AIOS_GRPC_PORT === "off") return null;
  return { port: env.AIOS_GRPC_PORT, host: env.AIOS_GRPC_HOST ?? env.AIOS_API_HOST };
}

/** The async vDAG tasks' worker and sweep. */
export function vdagTaskSettingsOf(env: TApiEnv) {
  return {
    concurrency: env.AIOS_VDAG_TASK_CONCURRENCY,
    maxAgeSeconds: env.AIOS_VDAG_TASK_MAX_AGE_SECONDS,
    sweepSeconds: env.AIOS_VDAG_TASK_SWEEP_SECONDS,
  };
}
