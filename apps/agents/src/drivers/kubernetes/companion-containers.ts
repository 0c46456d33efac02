import type { TInstanceInitContainer, TInstanceSidecar } from "@aios/contracts";
import type { V1Container, V1EnvVar, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import { companionVariables, type SidecarPort, toldEnv } from "../companion-env";
import { resolveComponentEntry } from "../component-entry";
import type { WorkloadSpec } from "../driver";

/** The emptyDir an instance's pod shares between its containers: `AIOS_WORK_DIR` in each. */
export const WORK_VOLUME = "work";
export const WORK_MOUNT = "/aios/work";

/** The programs of a spec's companions in the AIOS image, by name: those with an entry and no image of their own. */
export type CompanionPrograms = Record<string, string>;

/** Resolves each companion's entry inside the component directory, then to its path in the image. */
export function companionProgramsOf(
  repoRoot: string,
  spec: Pick<WorkloadSpec, "initContainers" | "sidecars">,
  inImage: (program: string) => string,
): CompanionPrograms {
  const programs: CompanionPrograms = {};
  for (const list of ["initContainers", "sidecars"] as const) {
    for (const [i, c] of (spec[list] ?? []).entries()) {
      if (c.containerImage || !c.entry) continue;
      programs[c.name] = inImage(resolveComponentEntry(repoRoot, c.entry, `runtime.${list}[${i}].entry`));
    }
  }
  return programs;
}

/** What a pod adds for its instance's companions: the shared volume, their containers, what the instance is told. */
export interface CompanionPod {
  volumes: V1Volume[];
  /** After the pod's own init containers (the pushed-code fetch). */
  initContainers: V1Container[];
  sidecars: V1Container[];
  /** The instance container's mount of the shared volume, and its variables about the others. */
  mounts: V1VolumeMount[];
  instanceEnv: Record<string, string>;
}

/** How each companion's container is made like the instance's (image, limits, security). */
export interface CompanionContainerBase {
  image: string;
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  workingDir: string;
  /** The variables every container of the pod shares (PATH, HOME, GPUs, HOST from the pod's IP). */
  env: V1EnvVar[];
  command: (program: string) => string[];
  resources?: V1Container["resources"];
}

/**
 * The containers of an instance's init containers and side-cars: each runs its image's entrypoint
 * with its args, or `node <entry> <args>` in the AIOS image; it shares the pod's work volume and
 * network (the instance's port is `instancePort`; side-car ports follow it, one each), and is told
 * what the process driver tells its processes. A side-car with ports is Ready once its first
 * accepts connections. Null: the instance has none.
 */
export function companionPodOf(
  spec: Pick<WorkloadSpec, "env" | "initContainers" | "sidecars">,
  programs: CompanionPrograms,
  instancePort: number,
  base: CompanionContainerBase,
): CompanionPod | null {
  const inits = spec.initContainers ?? [];
  const sidecars = spec.sidecars ?? [];
  if (inits.length === 0 && sidecars.length === 0) return null;
  let next = instancePort;
  const ports: SidecarPort[] = sidecars.flatMap((s) =>
    (s.ports ?? []).map((p) => ({ sidecar: s.name, name: p.name, port: ++next })),
  );
  const told = toldEnv(instancePort, ports, WORK_MOUNT);
  const mounts = [{ name: WORK_VOLUME, mountPath: WORK_MOUNT }];
  const containerOf = (c: TInstanceInitContainer | TInstanceSidecar): V1Container => {
    const program = programs[c.name];
    const own = companionVariables(spec, c, told);
    return {
      name: c.name,
      image: c.containerImage ?? base.image,
      imagePullPolicy: base.imagePullPolicy,
      ...(program
        ? { command: base.command(program), args: c.args ?? [], workingDir: base.workingDir }
        : c.args
          ? { args: c.args }
          : {}),
      env: [...base.env, ...Object.entries(own).map(([name, value]) => ({ name, value }))],
      volumeMounts: mounts,
      ...(base.resources ? { resources: base.resources } : {}),
      securityContext: { allowPrivilegeEscalation: false },
    };
  };
  return {
    volumes: [{ name: WORK_VOLUME, emptyDir: { sizeLimit: "1Gi" } }],
    initContainers: inits.map(containerOf),
    sidecars: sidecars.map((s) => {
      const own = ports.filter((p) => p.sidecar === s.name);
      const first = own[0];
      return {
        ...containerOf(s),
        ...(own.length > 0 ? { ports: own.map((p) => ({ name: p.name, containerPort: p.port })) } : {}),
        ...(first
          ? { readinessProbe: { tcpSocket: { port: first.port }, periodSeconds: 1, failureThreshold: 3 } }
          : {}),
      };
    }),
    mounts,
    instanceEnv: told,
  };
}
