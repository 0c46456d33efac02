import { createRequire } from "node:module";
import type ivm from "isolated-vm";
import { PENDING_RESULT, PRELUDE, PRELUDE_FILENAME } from "./prelude";
import type { LogEntry, SandboxLimits } from "./types";

let loaded: typeof ivm | null = null;
/**
 * isolated-vm, loaded when the first isolate is made: a process that runs no policy in its own
 * isolates (a component's tests on the bundled SDK, a runtime whose policies run in the sandbox
 * child) needs no native addon.
 */
const isolatedVm = (): typeof ivm => {
  loaded ??= createRequire(import.meta.url)("isolated-vm") as typeof ivm;
  return loaded;
};

/** What a session needs to (re)create its isolate. */
export interface SessionSpec {
  js: string;
  /** Script name in stack traces, to find the policy's frames (`policy-<hash>.js`). */
  scriptName: string;
  limits: SandboxLimits;
}

export type SessionMethod = "init" | "eval" | "management";
export type FaultKind = "runtime" | "timeout" | "memory" | "invalid_output" | "invalid_policy";
export interface SandboxFault {
  kind: FaultKind;
  name: string;
  message: string;
  stack?: string;
}

/**
 * The result of one call: the isolate's own JSON answer (`{"ok":true,"logs":[...],"value":...}` or
 * `{"ok":false,"error":{kind,name,message,stack},"logs":[...]}`), passed through unparsed so the
 * process transport can forward it as it is; or a fault the host saw (timeout, memory, crash).
 */
export type SessionOutcome = { json: string } | { fault: SandboxFault; logs: LogEntry[] };

/** init, then a method when init succeeded (`out` is null when it did not). */
export interface FreshOutcome {
  init: SessionOutcome;
  out: SessionOutcome | null;
}

interface Booted {
  isolate: ivm.Isolate;
  dispatch: ivm.Reference<(method: string, args: string) => string>;
  settle: ivm.Reference<() => string>;
  drainLogs: ivm.Reference<() => string>;
}

const TIMED_OUT = "Script execution timed out.";

/**
 * One policy's isolate, driven synchronously (applySync: a warm call costs microseconds, an async
 * apply ~75 us). Every call runs under `timeout`; the isolate has a `memoryLimit`. After a timeout,
 * memory breach or crash the isolate is thrown away and rebuilt on the next call, which replays
 * the last init: the policy's state is lost, and the fault says so.
 */
export class IsolateSession {
  private booted: Booted | null = null;
  private lastInit: string | null = null;
  private disposed = false;

  constructor(private readonly spec: SessionSpec) {}

  /** Builds the isolate, runs the module and checks its export; the answer's value is `{kind}`. */
  open(): SessionOutcome {
    this.teardown();
    return this.boot();
  }

  call(method: SessionMethod, argsJson: string): SessionOutcome {
    if (this.disposed) return fault("runtime", "the policy instance was disposed");
    if (!this.booted) {
      const reopened = this.boot();
      if (!isOk(reopened)) return reopened;
      if (method !== "init" && this.lastInit !== null) {
        const replay = this.run("init", this.lastInit);
        if (!isOk(replay)) return replay;
      }
    }
    if (method === "init") this.lastInit = argsJson;
    return this.run(method, argsJson);
  }

  /**
   * A stateless call: init with `initArgs`, then `method` on the state it made, in one turn (one
   * crossing from a host in another process). Each runs under its own CPU limit.
   */
  callFresh(initArgs: string, method: SessionMethod, argsJson: string): FreshOutcome {
    const init = this.call("init", initArgs);
    return { init, out: isOk(init) ? this.call(method, argsJson) : null };
  }

  dispose(): void {
    this.disposed = true;
    this.teardown();
  }

  private boot(): SessionOutcome {
    const { js, scriptName, limits } = this.spec;
    const isolate = new (isolatedVm().Isolate)({ memoryLimit: limits.memoryMb });
    try {
      const context = isolate.createContextSync();
      const api = isolate
        .compileScriptSync(PRELUDE, { filename: PRELUDE_FILENAME })
        .runSync(context, { reference: true, timeout: Math.max(limits.cpuTimeMs, 1000) });
      this.booted = {
        isolate,
        dispatch: api.getSync("dispatch", { reference: true }),
        settle: api.getSync("settle", { reference: true }),
        drainLogs: api.getSync("drainLogs", { reference: true }),
      };
      isolate.compileScriptSync(js, { filename: scriptName }).runSync(context, { timeout: limits.cpuTimeMs });
    } catch (e) {
      return this.crashed(e, "while loading the module");
    }
    return this.run("load", "");
  }

  private run(method: SessionMethod | "load", argsJson: string): SessionOutcome {
    const b = this.booted;
    if (!b) return fault("runtime", "the sandbox is not running");
    const timeout = this.spec.limits.cpuTimeMs;
    try {
      const t0 = performance.now();
      const json = b.dispatch.applySync(undefined, [method, argsJson], { timeout });
      // An async result settles on what is left of the same budget, not on a second one.
      const left = () => Math.max(1, Math.ceil(timeout - (performance.now() - t0)));
      const answer = json === PENDING_RESULT ? b.settle.applySync(undefined, [], { timeout: left() }) : json;
      if (typeof answer !== "string")
        return this.crashed(new Error("the sandbox answered with a non-string"));
      // Out-of-memory RangeErrors are caught inside the isolate, but its heap may be full: rebuild.
      if (answer.startsWith('{"ok":false,"error":{"kind":"memory"')) this.teardown();
      return { json: answer };
    } catch (e) {
      return this.crashed(e);
    }
  }

  private crashed(e: unknown, when = ""): SessionOutcome {
    const b = this.booted;
    const message = e instanceof Error ? e.message : String(e);
    const lost = "the sandbox was reset and the policy's state was lost (init runs again on the next call)";
    let outcome: SessionOutcome;
    let logs: LogEntry[] = [];
    if (message === TIMED_OUT) {
      logs = b ? drain(b) : [];
      outcome = fault(
        "timeout",
        `exceeded the CPU time limit of ${this.spec.limits.cpuTimeMs} ms ${when}; ${lost}`,
      );
    } else if (b?.isolate.isDisposed || /memory limit/i.test(message)) {
      outcome = fault(
        "memory",
        `exceeded the memory limit of ${this.spec.limits.memoryMb} MB ${when}; ${lost}`,
      );
    } else if (when && e instanceof Error) {
      // The module's own top-level code threw while loading.
      outcome = {
        fault: { kind: "runtime", name: e.name, message, ...(e.stack ? { stack: e.stack } : {}) },
        logs,
      };
    } else {
      outcome = fault("runtime", `the sandbox failed: ${message}; ${lost}`);
    }
    this.teardown();
    if ("fault" in outcome) outcome.logs = logs;
    return outcome;
  }

  private teardown(): void {
    const b = this.booted;
    this.booted = null;
    if (b && !b.isolate.isDisposed) b.isolate.dispose();
  }
}

function drain(b: Booted): LogEntry[] {
  try {
    return JSON.parse(b.drainLogs.applySync(undefined, [], { timeout: 20 })) as LogEntry[];
  } catch {
    return [];
  }
}

function fault(kind: FaultKind, message: string): SessionOutcome {
  return { fault: { kind, name: "Error", message: message.replace(/ +;/, ";") }, logs: [] };
}

export const isOk = (o: SessionOutcome): boolean => "json" in o && o.json.startsWith('{"ok":true');
