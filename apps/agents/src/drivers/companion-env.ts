import { sidecarPortEnv, type TInstanceInitContainer, type TInstanceSidecar } from "@aios/contracts";
import type { WorkloadSpec } from "./driver";

/** The instance's port, as its init containers and side-cars are told it. */
export const INSTANCE_PORT_ENV = "AIOS_INSTANCE_PORT";
/** The folder an instance shares with its init containers and side-cars (writable, theirs alone). */
export const WORK_DIR_ENV = "AIOS_WORK_DIR";

/** One port of a side-car, with the number the driver gave it. */
export interface SidecarPort {
  sidecar: string;
  name: string;
  port: number;
}

/** A number for every port of every side-car, from `next` (a free port, or the pod's next one). */
export async function sidecarPortsOf(
  sidecars: TInstanceSidecar[],
  next: () => number | Promise<number>,
): Promise<SidecarPort[]> {
  const ports: SidecarPort[] = [];
  for (const s of sidecars) {
    for (const p of s.ports ?? []) {
      let port = await next();
      while (ports.some((q) => q.port === port)) port = await next();
      ports.push({ sidecar: s.name, name: p.name, port });
    }
  }
  return ports;
}

/**
 * What the instance and each of its companions are told of one another: the instance's port, every
 * side-car port (`AIOS_SIDECAR_PORT_<NAME>`) and the shared folder.
 */
export function toldEnv(instancePort: number, ports: SidecarPort[], workDir: string): Record<string, string> {
  return {
    [INSTANCE_PORT_ENV]: String(instancePort),
    [WORK_DIR_ENV]: workDir,
    ...Object.fromEntries(ports.map((p) => [sidecarPortEnv(p.name), String(p.port)])),
  };
}

/**
 * A companion's own variables: its spec's (checked at registration: no platform or AIOS_* name),
 * the block and instance it serves, and what it is told. Never the instance's tokens or its init
 * data: a side-car reaches the instance like any caller on its port.
 */
export function companionVariables(
  spec: Pick<WorkloadSpec, "env">,
  companion: TInstanceInitContainer | TInstanceSidecar,
  told: Record<string, string>,
): Record<string, string> {
  const of = (name: string) => (spec.env[name] !== undefined ? { [name]: spec.env[name] } : {});
  return { ...companion.env, ...of("BLOCK_ID"), ...of("INSTANCE_ID"), ...told };
}
