import { z } from "zod";
import { atMost } from "../limits";
import { ZNonEmptyString } from "./common";
import { ZComponentEntry } from "./component-entry";

/**
 * Beyond the original: processes beside each instance of a component (`runtime.initContainers`,
 * `runtime.sidecars`). An init container runs to completion before its instance starts (in order;
 * each must exit 0); a side-car starts with it and lives as long as it does (one ending restarts
 * the instance with its side-cars). They share the instance's user, limits and writable folder
 * (`AIOS_WORK_DIR`), see only their own variables and the ports the platform gave out, and on
 * Kubernetes are containers of the instance's pod.
 */

/** How many init containers, and side-cars, one component may declare. */
export const MAX_INSTANCE_COMPANIONS = 8;
export const MAX_COMPANION_ARGS = 64;
export const MAX_COMPANION_ENV = 64;
export const MAX_SIDECAR_PORTS = 8;
/** How long an init container may run by default, and at most. */
export const DEFAULT_INIT_TIMEOUT_SECONDS = 300;
export const MAX_INIT_TIMEOUT_SECONDS = 3600;

/** A container's name on Kubernetes (a DNS label), short enough for log file names and env names. */
export const COMPANION_NAME_RE = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
/** A Kubernetes port name (IANA service name): at most 15 characters, no `--`, a letter first. */
export const SIDECAR_PORT_NAME_RE = /^(?=.{1,15}$)[a-z](?:-?[a-z0-9])*$/;
/** Names the instance's pod already uses for its own containers and port. */
export const RESERVED_COMPANION_NAMES = ["workload", "fetch-component"] as const;
const RESERVED_PORT_NAMES = ["http"];

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Variables the platform sets (or must not be overridden: they would lift the workload's limits or
 * load code into it): a companion's `env` may not name them, nor any `AIOS_*`.
 */
const PLATFORM_ENV = new Set([
  "PORT",
  "HOST",
  "HOME",
  "TMPDIR",
  "USER",
  "LOGNAME",
  "PATH",
  "BLOCK_ID",
  "INSTANCE_ID",
  "CUDA_VISIBLE_DEVICES",
  "NVIDIA_VISIBLE_DEVICES",
  "NODE_OPTIONS",
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
]);

/** Why `name` may not be a companion's variable, or null. */
export function companionEnvProblem(name: string): string | null {
  if (!ENV_NAME_RE.test(name)) return "must be a variable name: letters, digits and '_', not a digit first";
  if (name.toUpperCase().startsWith("AIOS_"))
    return "AIOS_* variables are the platform's (its tokens and settings): choose another name";
  if (PLATFORM_ENV.has(name.toUpperCase())) return `${name} is set by the platform: choose another name`;
  return null;
}

/** `AIOS_SIDECAR_PORT_<NAME>`: the variable a side-car's port `name` is told by. */
export const sidecarPortEnv = (port: string) => `AIOS_SIDECAR_PORT_${port.toUpperCase().replace(/-/g, "_")}`;

const ZCompanionEnv = z
  .record(z.string(), z.string().max(32_768, { error: atMost(32_768, "characters", "a variable's value") }))
  .superRefine((env, ctx) => {
    const names = Object.keys(env);
    if (names.length > MAX_COMPANION_ENV)
      ctx.addIssue({ code: "custom", message: atMost(MAX_COMPANION_ENV, "variables", "MAX_COMPANION_ENV") });
    for (const name of names) {
      const problem = companionEnvProblem(name);
      if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
    }
  });

const companionFields = {
  name: z.string().regex(COMPANION_NAME_RE, {
    error: "must be a DNS label of at most 32 characters: lowercase letters, digits and '-', a letter first",
  }),
  /** Its program, like `runtime.entry`: relative to the component directory and inside it. */
  entry: ZComponentEntry.optional(),
  /** Its image on Kubernetes (run with its own entrypoint); without it, `entry` runs in the AIOS image. */
  containerImage: ZNonEmptyString.optional(),
  args: z
    .array(z.string().max(4096, { error: atMost(4096, "characters", "an argument") }))
    .max(MAX_COMPANION_ARGS, { error: atMost(MAX_COMPANION_ARGS, "arguments", "MAX_COMPANION_ARGS") })
    .optional(),
  env: ZCompanionEnv.optional(),
};

const needsProgram = (
  c: { entry?: string | undefined; containerImage?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (!c.entry && !c.containerImage)
    ctx.addIssue({
      code: "custom",
      path: ["entry"],
      message: "Required: give entry (a program of the component) or containerImage (on Kubernetes)",
    });
};

export const ZInstanceInitContainer = z
  .strictObject({
    ...companionFields,
    /** Past this it is stopped and the instance's start fails. */
    timeoutSeconds: z.number().int().min(1).max(MAX_INIT_TIMEOUT_SECONDS).optional(),
  })
  .superRefine(needsProgram);
export type TInstanceInitContainer = z.infer<typeof ZInstanceInitContainer>;

export const ZSidecarPort = z.strictObject({
  name: z.string().regex(SIDECAR_PORT_NAME_RE, {
    error: "must be a port name: at most 15 lowercase letters, digits and single '-', a letter first",
  }),
});

export const ZInstanceSidecar = z
  .strictObject({
    ...companionFields,
    /**
     * The ports it listens on, by name: the platform picks their numbers and tells them (to it, its
     * instance and the init containers) as `AIOS_SIDECAR_PORT_<NAME>`. The instance starts only once
     * every one accepts connections.
     */
    ports: z
      .array(ZSidecarPort)
      .max(MAX_SIDECAR_PORTS, { error: atMost(MAX_SIDECAR_PORTS, "ports", "MAX_SIDECAR_PORTS") })
      .optional(),
  })
  .superRefine(needsProgram);
export type TInstanceSidecar = z.infer<typeof ZInstanceSidecar>;

export const ZInstanceInitContainers = z.array(ZInstanceInitContainer).max(MAX_INSTANCE_COMPANIONS, {
  error: atMost(MAX_INSTANCE_COMPANIONS, "init containers", "MAX_INSTANCE_COMPANIONS"),
});
export const ZInstanceSidecars = z.array(ZInstanceSidecar).max(MAX_INSTANCE_COMPANIONS, {
  error: atMost(MAX_INSTANCE_COMPANIONS, "side-cars", "MAX_INSTANCE_COMPANIONS"),
});

/**
 * The checks across both lists of a component's runtime: names unique over both (they name the
 * containers of one pod and their logs), side-car port names unique over all side-cars (one pod's
 * ports), and, for a component that runs as a process (no container image), an `entry` each.
 */
export function companionIssues(
  runtime: {
    initContainers?: TInstanceInitContainer[] | undefined;
    sidecars?: TInstanceSidecar[] | undefined;
  },
  runsAsProcess: boolean,
): Array<{ path: (string | number)[]; message: string }> {
  const issues: Array<{ path: (string | number)[]; message: string }> = [];
  const names = new Map<string, string>();
  const ports = new Map<string, string>();
  const lists = [
    ["initContainers", runtime.initContainers ?? []],
    ["sidecars", runtime.sidecars ?? []],
  ] as const;
  for (const [list, items] of lists) {
    items.forEach((c: TInstanceInitContainer | TInstanceSidecar, i) => {
      const at = `runtime.${list}[${i}]`;
      if ((RESERVED_COMPANION_NAMES as readonly string[]).includes(c.name))
        issues.push({ path: [list, i, "name"], message: `${c.name} names the platform's own container` });
      const seen = names.get(c.name);
      if (seen) issues.push({ path: [list, i, "name"], message: `${c.name} is already the name of ${seen}` });
      else names.set(c.name, at);
      if (runsAsProcess && !c.entry && c.containerImage)
        issues.push({
          path: [list, i, "entry"],
          message:
            "Required: the component runs as a process (it has no containerRegistryInfo.containerImage), so each of its init containers and side-cars needs an entry",
        });
      for (const [j, port] of ("ports" in c ? (c.ports ?? []) : []).entries()) {
        const taken = RESERVED_PORT_NAMES.includes(port.name)
          ? "the instance's own port"
          : ports.get(port.name);
        if (taken)
          issues.push({
            path: [list, i, "ports", j, "name"],
            message: `${port.name} is already the name of ${taken}`,
          });
        else ports.set(port.name, `a port of ${at}`);
      }
    });
  }
  return issues;
}
