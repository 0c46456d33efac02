import { resolve } from "node:path";
import type { V1Container, V1EnvVar, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { WorkloadSpec } from "../driver";
import { BUNDLE_FILE } from "./fetch-component";

/** Where a pod of pushed code has its component volume, in both of its containers. */
export const COMPONENT_MOUNT = "/aios/component";
export const COMPONENT_VOLUME = "component";
export const FETCH_CONTAINER = "fetch-component";
/** The key of the fetch token in the pod's Secret, named by the init container alone. */
export const ASSET_TOKEN_KEY = "AIOS_ASSET_TOKEN";
/** The init container's program, in the repository. */
const FETCH_PROGRAM = "apps/agents/src/drivers/kubernetes/fetch-component-main.ts";

/** What the pod of a component's pushed code adds to a pod: a volume, an init container, the program. */
export interface PushedCodePod {
  volumes: V1Volume[];
  initContainers: V1Container[];
  /** The bundle in the volume: what the workload's container runs. */
  program: string;
  /** The volume in the workload's container, read-only. */
  mounts: V1VolumeMount[];
}

export interface PushedCodeSettings {
  image: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  imageRepoRoot: string;
  /** The API as pods reach it (AIOS_K8S_ASSETS_URL, else the agent's AIOS_API_URL). */
  assetsUrl?: string;
}

/**
 * The parts of a pod that runs a component's pushed code (`spec.asset`): an emptyDir volume, and
 * an init container of the AIOS image that fetches the bundle by digest into it with a fetch token
 * (read from the pod's Secret by this container alone: the component's code never sees it), checks
 * it, and links the image's SDK beside it. The workload's container then runs the bundle from the
 * volume, mounted read-only, through tsx (the bundle imports the SDK's TypeScript sources).
 */
export function pushedCodeOf(
  s: PushedCodeSettings,
  spec: Pick<WorkloadSpec, "asset">,
  tokenSecret: string,
): PushedCodePod | null {
  if (!spec.asset) return null;
  if (!s.assetsUrl)
    throw new Error("a pod of pushed code fetches it from the API: the driver was given no assetsUrl");
  const root = s.imageRepoRoot.replace(/\/+$/, "");
  const env: V1EnvVar[] = [
    { name: "PATH", value: "/usr/local/bin:/usr/bin:/bin" },
    { name: "HOME", value: "/tmp" },
    { name: "AIOS_ASSETS_URL", value: s.assetsUrl },
    { name: "AIOS_ASSET_SHA256", value: spec.asset.sha256 },
    { name: "AIOS_COMPONENT_DIR", value: COMPONENT_MOUNT },
    { name: "AIOS_INSTANCE_SDK", value: `${root}/packages/instance-sdk` },
    { name: ASSET_TOKEN_KEY, valueFrom: { secretKeyRef: { name: tokenSecret, key: ASSET_TOKEN_KEY } } },
  ];
  return {
    volumes: [{ name: COMPONENT_VOLUME, emptyDir: { sizeLimit: "1Gi" } }],
    initContainers: [
      {
        name: FETCH_CONTAINER,
        image: s.image,
        imagePullPolicy: s.imagePullPolicy ?? "IfNotPresent",
        command: ["node", "--import", "tsx", resolve(root, FETCH_PROGRAM)],
        workingDir: root,
        env,
        volumeMounts: [{ name: COMPONENT_VOLUME, mountPath: COMPONENT_MOUNT }],
        securityContext: { allowPrivilegeEscalation: false },
      },
    ],
    program: `${COMPONENT_MOUNT}/${BUNDLE_FILE}`,
    mounts: [{ name: COMPONENT_VOLUME, mountPath: COMPONENT_MOUNT, readOnly: true }],
  };
}

/**
 * The fetch tokens of this agent's pods, one per digest while the agent runs (asked for once,
 * however many pods start at the same time). A token is kept in each pod's Secret, so pods adopted
 * after a restart go on with theirs.
 */
export function assetFetchTokens(issue: ((sha256: string) => Promise<string>) | undefined) {
  const tokens = new Map<string, Promise<string>>();
  return {
    of(sha256: string): Promise<string> {
      if (!issue)
        return Promise.reject(
          new Error("this agent's driver was given no way to get fetch tokens for pushed code"),
        );
      let token = tokens.get(sha256);
      if (!token) {
        token = issue(sha256);
        tokens.set(sha256, token);
        // A failed request is asked again by the next start.
        token.catch(() => tokens.delete(sha256));
      }
      return token;
    },
  };
}
