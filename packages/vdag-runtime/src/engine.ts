import type { TAiosPacket, TPacketFile, TVdagTraceStep } from "@aios/contracts";
import type { CompiledPlan } from "./plan";
import type { StepTiming } from "./step-call";
import { Walk } from "./walk";

/** Timings of a walk; from the controller's configuration. */
export interface EngineContext extends StepTiming {
  plan: CompiledPlan;
  fanInTimeoutMs: number;
  observer?: EngineObserver;
}

export interface EngineObserver {
  /** A step finished (not called for skipped or aborted steps). */
  step?(label: string, durationMs: number, ok: boolean): void;
  /** A step failed because its block's executor could not be reached (after the retries). */
  unreachable?(blockId: string, label: string): void;
}

export interface VdagRequestInput {
  session_id: string;
  seq_no: number;
  data: Record<string, unknown>;
  files?: TPacketFile[] | undefined;
  /** Epoch ms; default now. */
  ts?: number;
}

export interface VdagError {
  message: string;
  stage: "step" | "fan_in" | "controller";
  nodeLabel?: string;
  blockId?: string;
  /**
   * A head refused the request's data as bad input (its block answered 400): the caller's mistake,
   * so the vDAG answers 400 rather than 502.
   */
  badRequest?: boolean;
}

export interface VdagResult {
  /** The request as the heads got it (without `vdag`). */
  request: TAiosPacket;
  packet?: TAiosPacket;
  outputs: { nodeLabel: string; packet: TAiosPacket }[];
  trace: TVdagTraceStep[];
  durationMs: number;
  error?: VdagError;
  /** The failure was a timeout (a step's, the executor's, or a fan-in's): 504 rather than 502. */
  timedOut: boolean;
}

/**
 * Walks the plan for one request and resolves with its result; never rejects, never hangs (each
 * step has a deadline, each fan-in too, and a valid plan resolves every node exactly once).
 *
 * - Heads get `{session_id, seq_no, data, ts, files?}`; every step's packet carries
 *   `vdag: {vdagURI, nodeLabel, path}` and is sent as `POST <executor>/infer {packet, vdagNode}`.
 * - A node runs once each of its inputs is resolved (answered or skipped). None delivered: it is
 *   skipped, and so are its consumers unless another input delivers. One input: the producer's
 *   `data` (and `files`) as is. Several (fan-in): `data: {inputs: [data of each delivering
 *   producer in the order of node.inputs]}`, files concatenated; the fan-in waits at most
 *   `fanInTimeoutMs` after its first delivered input.
 * - An answer's `next` narrows the consumers (see `routeMap`); `next: []` or no consumers make the
 *   node an output.
 * - The first failure ends the walk: in-flight steps are aborted, the result names the step.
 */
export function runVdagRequest(
  ctx: EngineContext,
  input: VdagRequestInput,
  /** The request span's `traceparent`: each step's span is its child. */
  traceparent?: string,
): Promise<VdagResult> {
  return new Promise((resolve) => new Walk(ctx, input, resolve, traceparent).start());
}
