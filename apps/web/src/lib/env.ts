import { parseEnv } from "@aios/contracts";
import { z } from "zod";

const httpUrl = (variable: string) =>
  z.url({ protocol: /^https?$/, message: `${variable} must be an http:// or https:// URL` });
const withoutTrailingSlashes = (url: string) => url.replace(/\/+$/, "");

/** The Open Inference Protocol's gRPC port when AIOS_PUBLIC_GRPC_ADDRESS is unset (Triton's, the launcher's). */
export const DEFAULT_GRPC_PORT = 8001;

/** `host:port`: a name, an IPv4 address or a bracketed IPv6 one, and a port 1..65535. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;
const isHostPort = (value: string) => {
  const port = Number(HOST_PORT.exec(value)?.[3] ?? 0);
  return port >= 1 && port <= 65535;
};

const ZWebEnvVariables = z.object({
  /** Where the route handlers forward `/trpc`, `/v1/*` and `/v2/models/*` to. */
  AIOS_API_URL: httpUrl("AIOS_API_URL").default("http://127.0.0.1:4000").transform(withoutTrailingSlashes),
  /**
   * The API's address as its callers reach it (behind a proxy, another host): what the block and
   * vDAG pages show in the Open Inference Protocol endpoint and snippets. Unset: AIOS_API_URL.
   */
  AIOS_PUBLIC_API_URL: httpUrl("AIOS_PUBLIC_API_URL").transform(withoutTrailingSlashes).optional(),
  /**
   * The API's gRPC address (`host:port`) as its callers reach it, shown on the same pages. Unset:
   * the host of the public API URL with port 8001.
   */
  AIOS_PUBLIC_GRPC_ADDRESS: z
    .string()
    .refine(isHostPort, "AIOS_PUBLIC_GRPC_ADDRESS must be host:port (api.example.com:8001)")
    .optional(),
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

/**
 * What the console's server side reads from its environment, validated with a message that names
 * the variable. Parsed on first use (per process), so the values can change without a rebuild.
 * Server-side only: the browser never has these variables (the public addresses reach the block
 * and vDAG pages as props of their server components).
 */
export const ZWebEnv = ZWebEnvVariables.transform((env) => {
  const publicApiUrl = env.AIOS_PUBLIC_API_URL ?? env.AIOS_API_URL;
  return {
    ...env,
    AIOS_PUBLIC_API_URL: publicApiUrl,
    AIOS_PUBLIC_GRPC_ADDRESS:
      env.AIOS_PUBLIC_GRPC_ADDRESS ?? `${new URL(publicApiUrl).hostname}:${DEFAULT_GRPC_PORT}`,
  };
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

/** Where callers reach the API's Open Inference Protocol (the block and vDAG pages show it). */
export interface PublicEndpoints {
  /** The public API URL, no trailing slash: REST at `<apiUrl>/v2/models/<name>/infer`. */
  apiUrl: string;
  /** The gRPC `host:port` of `inference.GRPCInferenceService`. */
  grpcAddress: string;
}

export const publicEndpointsOf = (env: TWebEnv): PublicEndpoints => ({
  apiUrl: env.AIOS_PUBLIC_API_URL,
  grpcAddress: env.AIOS_PUBLIC_GRPC_ADDRESS,
});
