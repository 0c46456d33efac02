import type { CompiledPolicy } from "../compile";
import { scriptNameOf } from "./error-mapping";
import { SandboxedPolicyInstance } from "./policy-instance";
import { SandboxProcess } from "./process-sandbox";
import { InProcessPort, type SessionPort } from "./session-port";
import { DEFAULT_LIMITS, type LoadOptions, type PolicyInstance, type SandboxLimits } from "./types";

export { SandboxProcess, type SandboxProcessOptions } from "./process-sandbox";
export type { SessionPort } from "./session-port";
export * from "./types";

let sharedProcess: SandboxProcess | undefined;

/** The child process every "process"-isolated policy of this host shares (started on first use). */
export function defaultSandboxProcess(): SandboxProcess {
  sharedProcess ??= new SandboxProcess();
  return sharedProcess;
}

export function resolveLimits(limits?: Partial<SandboxLimits>): SandboxLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}

/** Creates the isolate and loads the module, without init (dry-run wants init's logs). */
export function openPolicyInstance(
  compiled: CompiledPolicy,
  opts: Pick<LoadOptions, "limits" | "isolation"> & { process?: SandboxProcess } = {},
): Promise<SandboxedPolicyInstance> {
  const spec = { js: compiled.js, scriptName: scriptNameOf(compiled), limits: resolveLimits(opts.limits) };
  const port: SessionPort =
    (opts.isolation ?? "process") === "in-process"
      ? new InProcessPort(spec)
      : (opts.process ?? defaultSandboxProcess()).openSession(spec);
  return SandboxedPolicyInstance.open(compiled, port);
}

/**
 * One warm isolate for this policy, module run, export checked, init called with the settings and
 * parameters. Throws PolicyError: "invalid_policy" (bad export or kind), "runtime"/"timeout"/
 * "memory" (module code or init failed).
 */
export async function loadPolicyInstance(
  compiled: CompiledPolicy,
  opts: LoadOptions & { process?: SandboxProcess } = {},
): Promise<PolicyInstance> {
  const instance = await openPolicyInstance(compiled, opts);
  const init = await instance.init(opts.settings ?? {}, opts.parameters ?? {});
  if (!init.ok) {
    instance.dispose();
    throw init.error;
  }
  return instance;
}
