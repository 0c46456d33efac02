import { createHash } from "node:crypto";
import { relative, sep } from "node:path";
import { MAX_BODY_ENV } from "@aios/service-kit";
import type { V1ConfigMap, V1EnvVar, V1OwnerReference, V1Pod, V1Secret } from "@kubernetes/client-node";
import { needsNoSnapshot, type WorkloadKind, type WorkloadOwner, type WorkloadSpec } from "../driver";
import { type CompanionPrograms, companionPodOf } from "./companion-containers";
import { ASSET_TOKEN_KEY, pushedCodeOf } from "./pushed-code";

/** Labels every object of the driver carries; `aios.dev/node` scopes an agent to its own node's. */
export const MANAGED_BY = "app.kubernetes.io/managed-by";
export const MANAGER = "aios-agent";
export const NODE_LABEL = "aios.dev/node";
/** The workload's own name (a pod name may have been made DNS-safe from it). */
export const WORKLOAD_ANNOTATION = "aios.dev/workload";
/** The spec's labels (any text), given back on adoption. */
export const LABELS_ANNOTATION = "aios.dev/labels";
export const CONTAINER = "workload";
const CONTROL_TOKEN_KEY = "AIOS_CONTROL_TOKEN";
const DATA_TOKEN_KEY = "AIOS_DATA_TOKEN";

/** Where and how this agent's pods run. */
export interface PodSettings {
  namespace: string;
  /** The Kubernetes node this agent's workloads are bound to (`spec.nodeName`). */
  nodeName: string;
  clusterId: string;
  /** The AIOS image: Node, the repository's code and its node_modules at `imageRepoRoot`. */
  image: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Registry credentials for the image (Secret names in the namespace). */
  imagePullSecrets?: string[];
  /** The repository on the agent's machine: runtime entries are given as paths inside it. */
  repoRoot: string;
  /** The same repository in the image. */
  imageRepoRoot: string;
  /** The port every workload listens on, on its pod's address. */
  port: number;
  /** What the platform's runtimes (executors, vDAG controllers) get beyond their spec. */
  runtimeEnv: Record<string, string>;
  /** The namespace of the agents' pods (their peer in a block's NetworkPolicy); unset: not named. */
  agentNamespace?: string;
  maxBodyMb?: number;
  /**
   * The extended resource a workload's GPUs are asked for by (`nvidia.com/gpu`): the device plugin
   * then gives the container as many devices as the placement chose. Unset: no resource is asked
   * for, and the placement's GPU indices are made visible through the visible-devices variables.
   */
  gpuResource?: string;
  /**
   * The API as pods reach it: a pod of a component's pushed code fetches its bundle from there
   * (pushed-code.ts). Unset: such pods cannot be made.
   */
  assetsUrl?: string;
}

/** A DNS-1123 name for a workload's pod: itself when it is one, else a cleaned form with a hash. */
export function podNameOf(workload: string): string {
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(workload) && workload.length <= 63) return workload;
  const hash = createHash("sha256").update(workload).digest("hex").slice(0, 8);
  const clean = workload
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 54);
  return `${clean || "w"}-${hash}`;
}

/** A label value (63 characters of [A-Za-z0-9_.-], alphanumeric at both ends). */
export function labelValueOf(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9_.-]+/g, "-").slice(0, 63);
  return clean.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "") || "none";
}

export const tokenSecretNameOf = (pod: string) => `${pod}-tokens`;

export function labelsOf(
  s: PodSettings,
  component: WorkloadKind | "job",
  owner?: WorkloadOwner,
): Record<string, string> {
  return {
    "app.kubernetes.io/name": "aios-workload",
    "app.kubernetes.io/part-of": "aios",
    "app.kubernetes.io/component": component,
    [MANAGED_BY]: MANAGER,
    "aios.dev/cluster": labelValueOf(s.clusterId),
    [NODE_LABEL]: labelValueOf(s.nodeName),
    ...(owner ? { [`aios.dev/${owner.kind}`]: labelValueOf(owner.id) } : {}),
    ...(owner?.instanceId ? { "aios.dev/instance": labelValueOf(owner.instanceId) } : {}),
  };
}

/** The object that owns every pod of a block (or vDAG) in the namespace, on every node. */
export const ownerNameOf = (owner: Pick<WorkloadOwner, "kind" | "id">) =>
  podNameOf(`aios-${owner.kind}-${owner.id}`);

/**
 * A ConfigMap standing for a block or a vDAG in the cluster: its pods name it as their owner, so
 * deleting it (the block removed) lets the garbage collector remove them on every node, and their
 * Secrets with them. It carries no node label: no agent's list sees it as a workload.
 */
export function ownerObjectOf(s: PodSettings, owner: Pick<WorkloadOwner, "kind" | "id">): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: ownerNameOf(owner),
      namespace: s.namespace,
      labels: {
        "app.kubernetes.io/part-of": "aios",
        "app.kubernetes.io/component": `${owner.kind}-owner`,
        [MANAGED_BY]: MANAGER,
        "aios.dev/cluster": labelValueOf(s.clusterId),
        [`aios.dev/${owner.kind}`]: labelValueOf(owner.id),
      },
    },
    data: { kind: owner.kind, id: owner.id },
  };
}

export const ownerReferenceOf = (kind: "ConfigMap" | "Pod", name: string, uid: string): V1OwnerReference => ({
  apiVersion: "v1",
  kind,
  name,
  uid,
});

/** The selector of every object this agent's driver made on its node. */
export const selectorOf = (s: Pick<PodSettings, "nodeName">) =>
  `${MANAGED_BY}=${MANAGER},${NODE_LABEL}=${labelValueOf(s.nodeName)}`;

/** The program's path in the image: a component's entry is relative to the repository; a runtime's absolute on the agent's machine. */
export function programInImage(s: PodSettings, program: string): string {
  const inside = relative(s.repoRoot, program);
  if (inside.startsWith("..") || inside === "")
    throw new Error(`${program} is outside the repository ${s.repoRoot}`);
  return `${s.imageRepoRoot.replace(/\/+$/, "")}/${inside.split(sep).join("/")}`;
}

/**
 * `node <program>`, through tsx for a TypeScript source (and a component's pushed bundle, which
 * imports the SDK's sources); with Node's startup snapshot off where the
 * workload runs isolated-vm isolates in its own process (which needs it off).
 */
export function commandOf(
  program: string,
  runsIsolates = false,
  heapMb?: number,
  viaTsx = program.endsWith(".ts"),
): string[] {
  return [
    "node",
    ...(runsIsolates ? ["--no-node-snapshot"] : []),
    ...(heapMb !== undefined ? [`--max-old-space-size=${Math.max(16, Math.floor(heapMb))}`] : []),
    ...(viaTsx ? ["--import", "tsx"] : []),
    program,
  ];
}

/** The workload loads isolated-vm itself (driver.ts `needsNoSnapshot`). */
const runsIsolates = (s: PodSettings, kind: WorkloadKind) =>
  needsNoSnapshot(kind, s.runtimeEnv.AIOS_RUNTIME_POLICY_ISOLATION === "in-process");

/**
 * The workload's Secret: its tokens, its secret variables (`spec.secretEnv`) and the fetch token of
 * its pushed code (`assetToken`, named by its init container alone), readable by the agent and by
 * its own pod only.
 */
export function tokenSecretOf(
  s: PodSettings,
  spec: WorkloadSpec,
  pod: string,
  assetToken?: string,
): V1Secret | null {
  const hidden = spec.secretEnv ?? {};
  if (!spec.controlToken && !spec.dataToken && !assetToken && Object.keys(hidden).length === 0) return null;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: tokenSecretNameOf(pod),
      namespace: s.namespace,
      labels: labelsOf(s, spec.kind, spec.owner),
      annotations: { [WORKLOAD_ANNOTATION]: spec.name },
    },
    type: "Opaque",
    stringData: {
      ...hidden,
      ...(spec.controlToken ? { [CONTROL_TOKEN_KEY]: spec.controlToken } : {}),
      ...(spec.dataToken ? { [DATA_TOKEN_KEY]: spec.dataToken } : {}),
      ...(assetToken ? { [ASSET_TOKEN_KEY]: assetToken } : {}),
    },
  };
}

/** The tokens a Secret of `tokenSecretOf` holds. */
export function tokensOf(secret: V1Secret | undefined): {
  controlToken: string | null;
  dataToken: string | null;
} {
  const read = (key: string) => {
    const b64 = secret?.data?.[key];
    return b64 ? Buffer.from(b64, "base64").toString("utf8") : (secret?.stringData?.[key] ?? null);
  };
  return { controlToken: read(CONTROL_TOKEN_KEY), dataToken: read(DATA_TOKEN_KEY) };
}

/**
 * The pod of a workload: bound to this agent's node, one container running `node <program>` from
 * the AIOS image, listening on its pod's address (`HOST` from `status.podIP`) at `port`, Ready when
 * that port accepts connections, restarted in place by the kubelet (restartPolicy Always: a crash
 * loop shows as CrashLoopBackOff, and a workload lives on while its agent is away; the agent
 * counts a restart as the workload's end), with no service account token and no service links:
 * the code sees only its own variables.
 */
/**
 * `program`: the path in the AIOS image of what the workload runs (`programInImage`); null for a
 * workload of its own image (`spec.image`), which runs that image's entrypoint, and for a
 * component's pushed code (`spec.asset`), which runs from the pod's component volume.
 * `companionPrograms`: those of an instance's init containers and side-cars (companion-containers.ts),
 * which become init containers after the pod's own, and containers beside the workload's.
 */
export function podOf(
  s: PodSettings,
  spec: WorkloadSpec,
  program: string | null,
  pod: string,
  ownerReferences: V1OwnerReference[] = [],
  companionPrograms: CompanionPrograms = {},
): V1Pod {
  const gpus = gpusOf(s, spec);
  const pushed = pushedCodeOf(s, spec, tokenSecretNameOf(pod));
  const run = pushed ? pushed.program : program;
  // A component's image is pulled with its registry's Secret; the AIOS image with the agent's.
  const pullSecrets = spec.image
    ? spec.imagePull?.credentials
      ? [spec.imagePull.secretName]
      : []
    : (s.imagePullSecrets ?? []);
  const shared: V1EnvVar[] = [
    ...Object.entries({ PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/tmp", ...gpus.env }).map(
      ([name, value]) => ({ name, value }),
    ),
    { name: "HOST", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
  ];
  const companions =
    spec.kind === "instance"
      ? companionPodOf(spec, companionPrograms, s.port, {
          image: s.image,
          imagePullPolicy: s.imagePullPolicy ?? "IfNotPresent",
          workingDir: s.imageRepoRoot,
          env: shared,
          command: (p) => commandOf(p, false, spec.memoryMb),
          // Held to the instance's memory each, like the process driver's; its GPUs are its own.
          ...(spec.memoryMb !== undefined ? { resources: { limits: memoryLimitOf(spec.memoryMb) } } : {}),
        })
      : null;
  const own: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: "/tmp",
    ...(spec.kind === "instance" ? {} : s.runtimeEnv),
    ...spec.env,
    ...(s.maxBodyMb !== undefined ? { [MAX_BODY_ENV]: String(s.maxBodyMb) } : {}),
    ...companions?.instanceEnv,
    PORT: String(s.port),
    ...gpus.env,
  };
  const volumes = [...(pushed?.volumes ?? []), ...(companions?.volumes ?? [])];
  const initContainers = [...(pushed?.initContainers ?? []), ...(companions?.initContainers ?? [])];
  const mounts = [...(pushed?.mounts ?? []), ...(companions?.mounts ?? [])];
  const env: V1EnvVar[] = [
    ...Object.entries(own).map(([name, value]) => ({ name, value })),
    { name: "HOST", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    ...Object.keys(spec.secretEnv ?? {})
      .sort()
      .map((key) => secretEnv(key, pod)),
    ...(spec.controlToken ? [secretEnv(CONTROL_TOKEN_KEY, pod)] : []),
    ...(spec.dataToken ? [secretEnv(DATA_TOKEN_KEY, pod)] : []),
  ];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: pod,
      namespace: s.namespace,
      labels: labelsOf(s, spec.kind, spec.owner),
      annotations: {
        [WORKLOAD_ANNOTATION]: spec.name,
        [LABELS_ANNOTATION]: JSON.stringify(spec.labels ?? {}),
      },
      ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
    },
    spec: {
      nodeName: s.nodeName,
      restartPolicy: "Always",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 10,
      ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets.map((name) => ({ name })) } : {}),
      ...(volumes.length > 0 ? { volumes } : {}),
      ...(initContainers.length > 0 ? { initContainers } : {}),
      containers: [
        {
          name: CONTAINER,
          image: spec.image ?? s.image,
          imagePullPolicy: s.imagePullPolicy ?? "IfNotPresent",
          ...(run === null
            ? {}
            : {
                command: commandOf(
                  run,
                  runsIsolates(s, spec.kind),
                  spec.memoryMb,
                  pushed !== null || run.endsWith(".ts"),
                ),
                workingDir: s.imageRepoRoot,
              }),
          ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
          env,
          ports: [{ name: "http", containerPort: s.port }],
          ...(gpus.limits || spec.memoryMb !== undefined
            ? { resources: { limits: { ...gpus.limits, ...memoryLimitOf(spec.memoryMb) } } }
            : {}),
          readinessProbe: { tcpSocket: { port: s.port }, periodSeconds: 1, failureThreshold: 3 },
          livenessProbe: {
            tcpSocket: { port: s.port },
            initialDelaySeconds: 30,
            periodSeconds: 10,
            failureThreshold: 3,
          },
          securityContext: { allowPrivilegeEscalation: false },
        },
        ...(companions?.sidecars ?? []),
      ],
    },
  };
}

/**
 * How a workload gets its GPUs. By the extended resource: a limit of as many as the placement
 * chose; the device plugin picks the devices and sets NVIDIA_VISIBLE_DEVICES, and inside the
 * container they are numbered from 0. Otherwise: the placement's indices in both visible-devices
 * variables (the node's container runtime honours NVIDIA_VISIBLE_DEVICES). A workload without GPUs
 * sees none either way.
 */
export function gpusOf(
  s: Pick<PodSettings, "gpuResource">,
  spec: Pick<WorkloadSpec, "gpus">,
): { env: Record<string, string>; limits?: Record<string, string> } {
  if (s.gpuResource && spec.gpus.length > 0)
    return {
      env: { CUDA_VISIBLE_DEVICES: spec.gpus.map((_, i) => i).join(",") },
      limits: { [s.gpuResource]: String(spec.gpus.length) },
    };
  const visible = spec.gpus.join(",");
  return { env: { CUDA_VISIBLE_DEVICES: visible, NVIDIA_VISIBLE_DEVICES: visible } };
}

/**
 * The container's memory limit for a workload held to `memoryMb` of heap: the heap plus what Node
 * itself takes beside it (code, buffers, stacks), so V8's own limit is met first and says why.
 */
export const NODE_OVERHEAD_MB = 256;
function memoryLimitOf(memoryMb: number | undefined): Record<string, string> {
  return memoryMb === undefined ? {} : { memory: `${Math.ceil(memoryMb) + NODE_OVERHEAD_MB}Mi` };
}

function secretEnv(key: string, pod: string): V1EnvVar {
  return { name: key, valueFrom: { secretKeyRef: { name: tokenSecretNameOf(pod), key } } };
}
