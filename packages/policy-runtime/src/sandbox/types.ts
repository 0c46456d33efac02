import type { TPolicyKind } from "@aios/contracts";
import type { PolicyError } from "../errors";
import type { PolicyQuery } from "./query-rounds";

export interface SandboxLimits {
  /** Per call (init, eval, management, module load); the call is stopped past it. */
  cpuTimeMs: number;
  /** Heap of the policy's isolate. */
  memoryMb: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { cpuTimeMs: 50, memoryMb: 64 };

export interface LogEntry {
  level: "log" | "info" | "warn" | "error" | "debug";
  message: string;
}

export type CallResult<T> =
  | { ok: true; value: T; logs: LogEntry[]; durationMs: number }
  | { ok: false; error: PolicyError; logs: LogEntry[]; durationMs: number };

/** One loaded policy: one warm isolate and the policy's state in it. */
export interface PolicyInstance {
  readonly kind: TPolicyKind;
  readonly hash: string;
  /** Runs init again with these values; the state starts over. */
  init(settings: object, parameters: object): Promise<CallResult<void>>;
  /** Validates the input and the output against the kind's schemas. */
  /**
   * Runs the policy's eval. The input is validated against the kind unless `trustedInput` says the
   * caller built it itself (the block runtime's own hot path); the output is always validated.
   */
  eval(
    input: unknown,
    ctx?: { metrics?: unknown; trustedInput?: boolean; query?: PolicyQuery },
  ): Promise<CallResult<unknown>>;
  /**
   * A stateless call: init with these values (the state starts over), then eval, in one crossing
   * to the isolate. Calls are answered in order and never interleave with each other.
   */
  evalFresh(
    settings: object,
    parameters: object,
    input: unknown,
    ctx?: { metrics?: unknown; trustedInput?: boolean; query?: PolicyQuery },
  ): Promise<CallResult<unknown>>;
  management(action: string, data: unknown): Promise<CallResult<unknown>>;
  dispose(): void;
}

/**
 * Where the isolate lives. "in-process": fastest (a call costs microseconds), and contains CPU
 * loops and most memory bombs, but a few allocation patterns abort the whole process (isolated-vm
 * issues #107, #457, #527; see README). "process": the isolates live in a child process that is
 * restarted when that happens; a call costs one IPC round trip more.
 */
export type SandboxIsolation = "in-process" | "process";

export interface LoadOptions {
  limits?: Partial<SandboxLimits>;
  settings?: object;
  parameters?: object;
  isolation?: SandboxIsolation;
}
