import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  NetworkingV1Api,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
} from "@kubernetes/client-node";

/** What the driver talks to the API server with: typed calls, each with a deadline. */
export interface KubeApi {
  kc: KubeConfig;
  core: CoreV1Api;
  /** Deployments (the platform's runtimes: deployment-spec.ts). */
  apps: AppsV1Api;
  /** Jobs (init steps, policy jobs: job-spec.ts). */
  batch: BatchV1Api;
  /** A block's NetworkPolicy (block-policy-spec.ts). */
  networking: NetworkingV1Api;
  /** The deadline of every call (a watch has its own: `timeoutSeconds`, and a stall timer). */
  requestTimeoutMs: number;
}

/**
 * Connects to a cluster: `kubeconfig` is a path or the file's content; without it, the in-cluster
 * service account (an agent running as a pod). Every call gives up after `requestTimeoutMs`.
 */
export function connectKube(opts: {
  kubeconfig?: string;
  context?: string;
  requestTimeoutMs?: number;
}): KubeApi {
  const kc = new KubeConfig();
  if (!opts.kubeconfig) kc.loadFromCluster();
  else if (opts.kubeconfig.includes("\n")) kc.loadFromString(opts.kubeconfig);
  else kc.loadFromFile(opts.kubeconfig);
  if (opts.context) kc.setCurrentContext(opts.context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig names no current cluster");
  const requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
  const deadline = {
    pre: async (ctx: RequestContext) => {
      ctx.setSignal(AbortSignal.timeout(requestTimeoutMs));
      return ctx;
    },
    post: async (res: ResponseContext) => res,
  };
  const config = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [deadline],
  });
  return {
    kc,
    core: new CoreV1Api(config),
    apps: new AppsV1Api(config),
    batch: new BatchV1Api(config),
    networking: new NetworkingV1Api(config),
    requestTimeoutMs,
  };
}

/** The HTTP status of a failed call, or null when it failed before an answer (a timeout, a refused connection). */
export function statusOf(err: unknown): number | null {
  return err instanceof ApiException ? err.code : null;
}

/** A failed call as one line: its status and the server's message. */
export function kubeMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === "string" ? safeJson(err.body) : err.body;
    const message = (body as { message?: unknown } | null)?.message;
    return `HTTP ${err.code}${typeof message === "string" ? `: ${message}` : ""}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) };
  }
}
