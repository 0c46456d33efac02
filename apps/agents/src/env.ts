import { hostname } from "node:os";
import { type RuntimePolicyOptions, runtimePolicyOptions } from "@aios/policy-runtime";
import { parseEnv, refuseOpenAuthOffLoopback, ZMaxBodyMbEnv } from "@aios/service-kit";
import { z } from "zod";
import { DEFAULT_WORKLOAD_UIDS } from "./drivers/workload-uids";

export const ZAgentEnv = z
  .object({
    AIOS_API_URL: z.url().default("http://127.0.0.1:4000"),
    AIOS_CLUSTER_ID: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a DNS label (lowercase letters, digits, '-')")
      .default("local"),
    AIOS_NODE_ID: z.string().optional(),
    AIOS_AGENT_TOKEN: z.string().optional(),
    /**
     * A cluster join token (`aios cluster join-token CLUSTER`): exchanged once for this agent's own
     * token, which is kept under AIOS_HOME so a restart needs no new one. AIOS_AGENT_TOKEN wins.
     */
    AIOS_JOIN_TOKEN: z.string().min(1).optional(),
    AIOS_QUEUE_BACKEND: z.enum(["redis", "postgres"]).default("redis"),
    AIOS_QUEUE_URL: z.url({
      message: "AIOS_QUEUE_URL must be the redis:// (or postgres://) URL of the queues",
    }),
    AIOS_HEARTBEAT_SECONDS: z.coerce.number().positive().default(10),
    /** The host name the API and other nodes reach this node's workloads by. */
    AIOS_PUBLIC_HOSTNAME: z.string().default("127.0.0.1"),
    /**
     * The address this node's workloads (executors, instances, vDAG controllers, function replicas)
     * listen on: loopback for a single machine, 0.0.0.0 on a node that other machines reach.
     */
    AIOS_BIND_HOST: z.string().min(1).default("127.0.0.1"),
    /**
     * The API's auth mode, as the API runs it: a node whose workloads listen off loopback
     * (AIOS_BIND_HOST) must be part of a `token` network.
     */
    AIOS_AUTH: z.enum(["open", "token"]).default("open"),
    /** CPU time per policy call and memory per policy isolate, for policy jobs and functions. */
    AIOS_POLICY_CPU_MS: z.coerce.number().positive().default(1000),
    AIOS_POLICY_MEMORY_MB: z.coerce.number().positive().default(128),
    /**
     * The largest request body of the data plane, in MiB: passed to every workload this agent starts
     * (executors, instances, vDAG controllers, function replicas), so every hop refuses past one limit.
     */
    AIOS_MAX_BODY_MB: ZMaxBodyMbEnv,
    AIOS_HOME: z.string().default(".aios"),
    /**
     * The OS user the workloads (instances, init steps, runtimes, function replicas, policy jobs)
     * all run as when the agent runs as root with AIOS_WORKLOAD_UIDS=off: it cannot read AIOS_HOME.
     * Not root: they run as the agent.
     */
    AIOS_WORKLOAD_USER: z.string().min(1).default("nobody"),
    /**
     * As root, each workload runs as a uid of its own (gid the same) from this range, with no passwd
     * entry: no workload can read another's environment or home. `off`: all run as AIOS_WORKLOAD_USER.
     */
    AIOS_WORKLOAD_UIDS: z.string().min(1).default(DEFAULT_WORKLOAD_UIDS),
    /** Where workloads may write (their homes, managed systems' data); default `<AIOS_HOME>-workloads`. */
    AIOS_WORKLOAD_DIR: z.string().min(1).optional(),
    /**
     * `1`: stopping the agent stops its blocks' processes (a single-machine install going down).
     * Otherwise they run on, and the next agent adopts them.
     */
    AIOS_STOP_WORKLOADS_ON_EXIT: z
      .enum(["0", "1"])
      .default("0")
      .transform((v) => v === "1"),
    /**
     * How long this agent's workloads outlive it: past this without the agent's beacon (it was killed
     * and no agent came back to adopt them) they stop themselves. 0: they run on forever.
     */
    AIOS_ORPHAN_GRACE_SECONDS: z.coerce.number().min(0).default(60),
    /**
     * The memory an instance may use when its component states none (`resources.memoryMb`): its
     * JavaScript heap, with its address space held to it plus the runtime's own reservations.
     */
    AIOS_INSTANCE_MEMORY_MB: z.coerce.number().int().min(64).max(1_048_576).default(1024),
    /**
     * Instances' scheduling priority (nice, 0 to 19): a busy instance yields the CPU to the agent,
     * the executors and the rest of the node. 0: as the agent.
     */
    AIOS_INSTANCE_NICE: z.coerce.number().int().min(0).max(19).default(10),
    /** How often each block's processes are looked at (crashes, scale and replace requests). */
    AIOS_BLOCK_WATCH_MS: z.coerce.number().int().positive().default(1000),
    /** How often each block's figures are pushed to the API as metric samples. */
    AIOS_METRICS_SECONDS: z.coerce.number().positive().default(10),
    /**
     * How far back the node's local metrics store (metrics/local-store.ts) keeps the samples the
     * agent pushes: the cluster store of `metrics.query`/`metrics.series` (`store: "cluster"`).
     */
    AIOS_LOCAL_METRICS_SECONDS: z.coerce
      .number()
      .int({ message: "must be a whole number of seconds" })
      .min(10, { message: "must be at least 10 (seconds)" })
      .max(86_400, { message: "must be at most 86400 (a day)" })
      .default(900),
    /**
     * The agent's Prometheus endpoint (`GET /metrics`): its node's workloads' metrics (executors,
     * instances, vDAG controllers) with `block`, `instance`, `vdag`, `cluster` and `node` labels, and
     * its own. `0`: a free port (logged); `off`: none.
     */
    AIOS_AGENT_METRICS_PORT: z
      .union([z.literal("off"), z.coerce.number().int().min(0).max(65535)])
      .default(9464),
    /**
     * The address the agent's `/metrics` listens on; unset, the node's own (AIOS_BIND_HOST, where
     * its workloads listen too: loopback on a single machine).
     */
    AIOS_AGENT_METRICS_HOST: z.string().min(1).optional(),
    /** Fixed interval of the cluster's stability checker; unset: its policy's `intervalSeconds`, else 30 s. */
    AIOS_STABILITY_SECONDS: z.coerce.number().positive().optional(),
    /** How often autoscaled policy functions' replicas are read and scaled (execution type 4). */
    AIOS_FUNCTION_AUTOSCALE_SECONDS: z.coerce.number().positive().default(5),
    AIOS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /** How this node runs workloads: processes of this machine, or pods of a Kubernetes cluster. */
    AIOS_DRIVER: z.enum(["process", "kubernetes"]).default("process"),
    /** The kubeconfig file (kubernetes driver); unset: the service account of the pod the agent runs in. */
    AIOS_K8S_KUBECONFIG: z.string().min(1).optional(),
    AIOS_K8S_CONTEXT: z.string().min(1).optional(),
    AIOS_K8S_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a DNS label (lowercase letters, digits, '-')")
      .default("aios"),
    /** The Kubernetes node this agent's pods are bound to; default: the node id. */
    AIOS_K8S_NODE_NAME: z.string().min(1).optional(),
    /** The AIOS image the pods run (Node, the repository and its node_modules). */
    AIOS_K8S_IMAGE: z.string().min(1).optional(),
    AIOS_K8S_IMAGE_PULL_POLICY: z.enum(["Always", "IfNotPresent", "Never"]).default("IfNotPresent"),
    /** Where the repository is in the image. */
    AIOS_K8S_IMAGE_REPO_ROOT: z.string().startsWith("/", "must be an absolute path").default("/app"),
    /**
     * The API as the pods reach it, where a pod of a component's pushed code fetches its bundle;
     * default: AIOS_API_URL.
     */
    AIOS_K8S_ASSETS_URL: z.url().optional(),
    /** The port every pod listens on, on its own address. */
    AIOS_K8S_POD_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    /**
     * The extended resource a workload's GPUs are asked for by (the device plugin's); `none`: no
     * resource, the placement's GPU indices in the visible-devices variables instead.
     */
    AIOS_K8S_GPU_RESOURCE: z
      .string()
      .regex(
        /^(none|([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)[a-z0-9]([-a-z0-9_.]*[a-z0-9])?)$/,
        "must be an extended resource name such as nvidia.com/gpu, or none",
      )
      .default("nvidia.com/gpu"),
    /** The namespace of the agents' own pods: a block's NetworkPolicy lets them reach its instances. */
    AIOS_K8S_AGENT_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a DNS label (lowercase letters, digits, '-')")
      .optional(),
  })
  .superRefine((env, ctx) => {
    refuseOpenAuthOffLoopback(
      { host: env.AIOS_BIND_HOST, auth: env.AIOS_AUTH, hostVariable: "AIOS_BIND_HOST" },
      ctx,
    );
    if (env.AIOS_DRIVER === "kubernetes" && !env.AIOS_K8S_IMAGE)
      ctx.addIssue({
        code: "custom",
        path: ["AIOS_K8S_IMAGE"],
        message: "is required with AIOS_DRIVER=kubernetes: the image the pods run",
      });
  });

export type TAgentEnv = z.infer<typeof ZAgentEnv> & {
  nodeId: string;
  /** How the workloads it starts run their policies (AIOS_RUNTIME_POLICY_*), checked here too. */
  runtimePolicy: RuntimePolicyOptions;
};

export function loadAgentEnv(source: Record<string, string | undefined> = process.env): TAgentEnv {
  const env = parseEnv(ZAgentEnv, source, "invalid agent configuration:");
  return {
    ...env,
    nodeId: env.AIOS_NODE_ID ?? nodeIdFromHostname(hostname()),
    runtimePolicy: runtimePolicyOptions(source),
  };
}

/** Node ids are DNS labels, so a hostname is folded into one. */
export function nodeIdFromHostname(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
  return label || "node";
}
