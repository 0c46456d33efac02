import type { TPolicyKind } from "@aios/contracts";
import { compilePolicy } from "./compile";
import { isPolicyError, PolicyError, type PolicyErrorKind, type PolicyIssue } from "./errors";
import { openPolicyInstance, type SandboxProcess } from "./sandbox";
import type { PolicyQuery } from "./sandbox/query-rounds";
import type { LogEntry, SandboxIsolation, SandboxLimits } from "./sandbox/types";

export interface DryRunRequest {
  code: string;
  /** When given, the module's kind must be this one. */
  kind?: TPolicyKind;
  input: unknown;
  settings?: object;
  parameters?: object;
  limits?: Partial<SandboxLimits>;
  /** Answers `ctx.query` (the caller's metrics, read-only); without it ctx.query throws. */
  query?: PolicyQuery;
  /** Default "process": a dry-run runs code nobody has reviewed yet. */
  isolation?: SandboxIsolation;
  process?: SandboxProcess;
}

export interface DryRunResult {
  /** Compiled, loaded, initialised, evaluated and the output matched the kind's schema. */
  ok: boolean;
  kind: TPolicyKind | null;
  /** What eval returned (also when it failed validation). */
  output?: unknown;
  valid: boolean;
  validationErrors: PolicyIssue[];
  logs: LogEntry[];
  durationMs: number;
  error?: { kind: PolicyErrorKind; message: string; line?: number; column?: number; stack?: string };
}

/** Compile, fresh instance, init, eval, dispose: what the console's "dry run" button shows. */
export async function dryRunPolicy(req: DryRunRequest): Promise<DryRunResult> {
  const t0 = performance.now();
  const logs: LogEntry[] = [];
  let kind: TPolicyKind | null = req.kind ?? null;
  const done = (rest: Partial<DryRunResult>): DryRunResult => ({
    ok: false,
    kind,
    valid: false,
    validationErrors: [],
    logs,
    durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
    ...rest,
  });
  const failure = (e: unknown) => {
    const err = isPolicyError(e) ? e : new PolicyError("runtime", (e as Error).message ?? String(e));
    const validation = err.kind === "invalid_input" || err.kind === "invalid_output";
    return done({
      ...(err.output !== undefined ? { output: err.output } : {}),
      validationErrors: validation ? (err.issues ?? []) : [],
      error: {
        kind: err.kind,
        message: err.message,
        ...(err.line !== undefined ? { line: err.line, column: err.column } : {}),
        ...(err.policyStack ? { stack: err.policyStack } : {}),
      },
    });
  };

  let instance: Awaited<ReturnType<typeof openPolicyInstance>> | undefined;
  try {
    const compiled = await compilePolicy(req.code, "policy.ts");
    instance = await openPolicyInstance(compiled, { ...req, isolation: req.isolation ?? "process" });
    if (req.kind !== undefined && instance.kind !== req.kind) {
      const message = `the module declares kind "${instance.kind}" but the dry-run asked for "${req.kind}"`;
      throw new PolicyError("invalid_policy", message);
    }
    kind = instance.kind;
    const init = await instance.init(req.settings ?? {}, req.parameters ?? {});
    logs.push(...init.logs);
    if (!init.ok) return failure(init.error);
    const result = await instance.eval(req.input, req.query ? { query: req.query } : {});
    logs.push(...result.logs);
    if (!result.ok) return failure(result.error);
    return done({ ok: true, output: result.value, valid: true });
  } catch (e) {
    return failure(e);
  } finally {
    instance?.dispose();
  }
}
