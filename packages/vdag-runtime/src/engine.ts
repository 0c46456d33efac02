import type { TAiosPacket, TPacketFile, TVdagTraceStep } from "@aios/spec";
import type { CompiledPlan, PlanStep } from "./plan";

/** Timings of a walk; from the controller's configuration. */
export interface EngineContext {
  plan: CompiledPlan;
  stepTimeoutMs: number;
  /** Extra attempts of a step whose block could not be reached. */
  retries: number;
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

/** What a producer hands a consumer: its answer and the labels the packet passed (itself last). */
interface Delivered {
  packet: TAiosPacket;
  path: string[];
}

type StepOutcome =
  | { ok: true; packet: TAiosPacket; next: string[] | undefined; instanceId: string | null; attempts: number }
  | {
      ok: false;
      reason: string;
      instanceId: string | null;
      attempts: number;
      timedOut: boolean;
      unreachable: boolean;
    };

const HEADERS = { "content-type": "application/json" };

/** Failures before the executor could answer: the block could not be reached, the step may retry. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
]);
/** A reused keep-alive socket that was closed under us: retry at once. Others wait a little. */
const IMMEDIATE = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code ?? e?.cause?.code;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
export function runVdagRequest(ctx: EngineContext, input: VdagRequestInput): Promise<VdagResult> {
  return new Promise((resolve) => new Walk(ctx, input, resolve).start());
}

interface NodeState {
  /** Inputs not resolved yet. */
  remaining: number;
  delivered: number;
  got: (Delivered | undefined)[] | undefined;
  /** First delivered input of a fan-in; its timer. */
  firstFrom: string | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

class Walk {
  private readonly started = performance.now();
  private readonly request: TAiosPacket;
  private readonly state = new Map<string, NodeState>();
  private readonly trace: TVdagTraceStep[] = [];
  private readonly outputs: { index: number; nodeLabel: string; packet: TAiosPacket }[] = [];
  private readonly active = new Set<AbortController>();
  private resolved = 0;
  private done = false;

  constructor(
    private readonly ctx: EngineContext,
    input: VdagRequestInput,
    private readonly finish: (r: VdagResult) => void,
  ) {
    this.request = {
      session_id: input.session_id,
      seq_no: input.seq_no,
      data: input.data,
      ts: input.ts ?? Date.now(),
      ...(input.files ? { files: input.files } : {}),
    };
    for (const step of ctx.plan.order) {
      this.state.set(step.label, {
        remaining: step.inputs.length,
        delivered: 0,
        got: undefined,
        firstFrom: undefined,
        timer: undefined,
      });
    }
  }

  start(): void {
    for (const head of this.ctx.plan.heads) this.launch(head, this.request.data, this.request.files, []);
  }

  private launch(
    step: PlanStep,
    data: Record<string, unknown>,
    files: TPacketFile[] | undefined,
    path: string[],
  ) {
    this.run(step, data, files, path).catch((err: unknown) =>
      this.fail(
        {
          stage: "controller",
          nodeLabel: step.label,
          blockId: step.blockId,
          message: `step ${step.label} (block ${step.blockId}): controller error: ${(err as Error).message}`,
        },
        false,
      ),
    );
  }

  private async run(
    step: PlanStep,
    data: Record<string, unknown>,
    files: TPacketFile[] | undefined,
    path: string[],
  ): Promise<void> {
    const r = this.request;
    const packet: TAiosPacket = { session_id: r.session_id, seq_no: r.seq_no, data, ts: r.ts };
    if (files) packet.files = files;
    packet.vdag = { vdagURI: this.ctx.plan.vdagURI, nodeLabel: step.label, path };
    const body = `{"packet":${JSON.stringify(packet)}${step.bodySuffix}`;

    const entry: TVdagTraceStep = {
      nodeLabel: step.label,
      blockId: step.blockId,
      instanceId: null,
      start: Date.now(),
      durationMs: -1, // running; set when the step ends
      status: "ok",
      attempts: 0,
      next: [],
    };
    this.trace.push(entry);
    const t0 = performance.now();
    const out = await this.call(step, body);
    if (this.done) return;
    const ms = performance.now() - t0;
    entry.durationMs = Math.round(ms * 1000) / 1000;
    entry.instanceId = out.instanceId;
    entry.attempts = out.attempts;

    let reason: string;
    let routed: string[] | string = [];
    if (out.ok) {
      routed = this.route(step, out.next);
      if (typeof routed !== "string") {
        this.ctx.observer?.step?.(step.label, ms, true);
        entry.next = routed;
        this.resolved++;
        const delivered: Delivered = { packet: out.packet, path: [...path, step.label] };
        if (routed.length === 0)
          this.outputs.push({ index: step.index, nodeLabel: step.label, packet: out.packet });
        const all = routed.length === step.next.length;
        for (const consumer of step.nextSteps) {
          this.resolveInput(
            consumer,
            step.label,
            all || routed.includes(consumer.label) ? delivered : undefined,
          );
          if (this.done) return;
        }
        this.maybeFinish();
        return;
      }
      reason = routed;
    } else {
      reason = out.reason;
      if (out.unreachable) this.ctx.observer?.unreachable?.(step.blockId, step.label);
    }
    this.ctx.observer?.step?.(step.label, ms, false);
    entry.status = "error";
    entry.error = reason;
    this.fail(
      {
        stage: "step",
        nodeLabel: step.label,
        blockId: step.blockId,
        message: `step ${step.label} (block ${step.blockId}) failed: ${reason}`,
      },
      !out.ok && out.timedOut,
    );
  }

  /** Plan labels the answer goes to, in the order of `step.next`; a string says why it cannot. */
  private route(step: PlanStep, next: string[] | undefined): string[] | string {
    if (next === undefined || step.ownNextEmpty) return step.next;
    const chosen = new Set<string>();
    for (const label of next) {
      const mapped = step.route.get(label) ?? (step.next.includes(label) ? [label] : undefined);
      if (mapped === undefined) {
        const known = [...step.route.keys()].join(", ") || "none";
        return `answer routed to unknown next node "${label}" (known: ${known})`;
      }
      if (mapped.length === 0) return `next node "${label}" has no node in the plan`;
      for (const p of mapped) chosen.add(p);
    }
    return chosen.size === step.next.length ? step.next : step.next.filter((l) => chosen.has(l));
  }

  /** One input of `step` is resolved: `delivered` is the producer's output, undefined if skipped. */
  private resolveInput(step: PlanStep, from: string, delivered: Delivered | undefined): void {
    const st = this.state.get(step.label)!;
    if (delivered) {
      if (step.inputs.length === 1) st.got = [delivered];
      else {
        st.got ??= new Array(step.inputs.length);
        st.got[step.inputIndex.get(from)!] = delivered;
        if (st.delivered === 0 && st.remaining > 1) {
          st.firstFrom = from;
          st.timer = setTimeout(() => this.fanInTimeout(step), this.ctx.fanInTimeoutMs);
        }
      }
      st.delivered++;
    }
    if (--st.remaining > 0) return;
    if (st.timer) {
      clearTimeout(st.timer);
      st.timer = undefined;
    }
    if (st.delivered === 0) {
      this.skip(step);
      return;
    }
    const got = st.got!;
    if (step.inputs.length === 1) {
      const d = got[0]!;
      this.launch(step, d.packet.data, d.packet.files, d.path);
      return;
    }
    const inputs: Record<string, unknown>[] = [];
    let files: TPacketFile[] | undefined;
    const passed = new Set<string>();
    for (const d of got) {
      if (!d) continue;
      inputs.push(d.packet.data);
      if (d.packet.files) files = files ? files.concat(d.packet.files) : d.packet.files;
      for (const l of d.path) passed.add(l);
    }
    const steps = this.ctx.plan.steps;
    const path = [...passed].sort((a, b) => steps.get(a)!.index - steps.get(b)!.index);
    this.launch(step, { inputs }, files, path);
  }

  private skip(step: PlanStep): void {
    this.trace.push({
      nodeLabel: step.label,
      blockId: step.blockId,
      instanceId: null,
      start: Date.now(),
      durationMs: 0,
      status: "skipped",
      attempts: 0,
      next: [],
    });
    this.resolved++;
    for (const consumer of step.nextSteps) {
      this.resolveInput(consumer, step.label, undefined);
      if (this.done) return;
    }
    this.maybeFinish();
  }

  private fanInTimeout(step: PlanStep): void {
    const st = this.state.get(step.label)!;
    st.timer = undefined;
    const missing = step.inputs.filter((_, i) => st.got?.[i] === undefined);
    this.fail(
      {
        stage: "fan_in",
        nodeLabel: step.label,
        blockId: step.blockId,
        message: `fan-in ${step.label} (block ${step.blockId}) waited ${this.ctx.fanInTimeoutMs} ms after ${st.firstFrom} for ${missing.join(", ")}`,
      },
      true,
    );
  }

  private maybeFinish(): void {
    if (this.done || this.resolved < this.ctx.plan.order.length) return;
    this.done = true;
    const outputs = this.outputs
      .sort((a, b) => a.index - b.index)
      .map(({ nodeLabel, packet }) => ({ nodeLabel, packet }));
    let packet: TAiosPacket | undefined;
    if (outputs.length === 1) packet = outputs[0]!.packet;
    else if (outputs.length > 1) {
      const data: Record<string, unknown> = {};
      for (const o of outputs) data[o.nodeLabel] = o.packet.data;
      const r = this.request;
      packet = { session_id: r.session_id, seq_no: r.seq_no, ts: r.ts, data: { outputs: data } };
    }
    this.finish({
      request: this.request,
      ...(packet ? { packet } : {}),
      outputs,
      trace: this.trace,
      durationMs: this.elapsed(),
      timedOut: false,
    });
  }

  private fail(error: VdagError, timedOut: boolean): void {
    if (this.done) return;
    this.done = true;
    for (const ac of this.active) ac.abort();
    this.active.clear();
    for (const st of this.state.values()) if (st.timer) clearTimeout(st.timer);
    this.finish({
      request: this.request,
      outputs: [],
      // Steps still running were aborted: only finished ones are in the trace.
      trace: this.trace.filter((t) => t.durationMs >= 0),
      durationMs: this.elapsed(),
      error,
      timedOut,
    });
  }

  private elapsed(): number {
    return Math.round((performance.now() - this.started) * 1000) / 1000;
  }

  /**
   * One step: POST /infer to the block's executor, retried (up to `retries` times) when the block
   * could not be reached: a connection error, or 502/503 with `error.stage: "executor"` (the
   * executor had no instance to give it to). One deadline (`stepTimeoutMs`) covers all attempts.
   */
  private async call(step: PlanStep, body: string): Promise<StepOutcome> {
    const target = step.target;
    if (!target)
      return {
        ok: false,
        reason: "no executor endpoint for its block",
        instanceId: null,
        attempts: 0,
        timedOut: false,
        unreachable: true,
      };
    const ac = new AbortController();
    this.active.add(ac);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.ctx.stepTimeoutMs);
    let attempts = 0;
    let instanceId: string | null = null;
    const failed = (reason: string, unreachable = false, slow = false): StepOutcome => ({
      ok: false,
      reason: timedOut ? `timed out after ${this.ctx.stepTimeoutMs} ms` : reason,
      instanceId,
      attempts,
      timedOut: timedOut || slow,
      unreachable,
    });
    try {
      for (;;) {
        attempts++;
        let res: Awaited<ReturnType<typeof target.pool.request>>;
        try {
          res = await target.pool.request({
            path: target.inferPath,
            method: "POST",
            headers: HEADERS,
            body,
            signal: ac.signal,
          });
        } catch (err) {
          if (ac.signal.aborted) return failed("aborted");
          const code = errorCode(err);
          if (code !== undefined && UNREACHABLE.has(code)) {
            if (attempts <= this.ctx.retries) {
              if (!IMMEDIATE.has(code)) await sleep(25 * attempts);
              continue;
            }
            return failed(`executor ${target.endpoint} unreachable (${code})`, true);
          }
          return failed(`request to executor ${target.endpoint} failed: ${(err as Error).message}`);
        }
        const header = res.headers["x-aios-instance-id"];
        instanceId = typeof header === "string" ? header : null;
        let text: string;
        try {
          text = await res.body.text();
        } catch (err) {
          if (ac.signal.aborted) return failed("aborted");
          return failed(`executor's answer broke off: ${(err as Error).message}`);
        }
        let answer: unknown;
        try {
          answer = JSON.parse(text);
        } catch {
          answer = undefined;
        }
        if (res.statusCode >= 400) {
          const e = (answer as { error?: { message?: unknown; stage?: unknown; instanceId?: unknown } })
            ?.error;
          const stage = typeof e?.stage === "string" ? e.stage : undefined;
          if (instanceId === null && typeof e?.instanceId === "string") instanceId = e.instanceId;
          const message = typeof e?.message === "string" ? e.message : text.slice(0, 200) || "no message";
          const reason = `HTTP ${res.statusCode}${stage ? ` at ${stage}` : ""}: ${message}`;
          if ((res.statusCode === 502 || res.statusCode === 503) && stage === "executor") {
            if (attempts <= this.ctx.retries) {
              await sleep(25 * attempts);
              if (ac.signal.aborted) return failed("aborted");
              continue;
            }
            return failed(reason, true);
          }
          return failed(reason, false, res.statusCode === 504);
        }
        // A cheap shape check; the instance SDK validated the packet already.
        const a = answer as { packet?: { data?: unknown }; next?: unknown } | undefined;
        const data = a?.packet?.data;
        if (typeof data !== "object" || data === null || Array.isArray(data))
          return failed(`executor answered ${res.statusCode} without {packet: {data: {...}}}`);
        let next: string[] | undefined;
        if (a!.next !== undefined) {
          if (!Array.isArray(a!.next) || !a!.next.every((l) => typeof l === "string"))
            return failed("answer's next is not a list of labels");
          next = a!.next as string[];
        }
        return { ok: true, packet: a!.packet as TAiosPacket, next, instanceId, attempts };
      }
    } finally {
      clearTimeout(timer);
      this.active.delete(ac);
    }
  }
}
