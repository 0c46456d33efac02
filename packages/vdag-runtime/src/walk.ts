import type { TAiosPacket, TPacketFile, TVdagTraceStep } from "@aios/contracts";
import { tracing } from "@aios/service-kit";
import type { EngineContext, VdagError, VdagRequestInput, VdagResult } from "./engine";
import type { PlanStep } from "./plan";
import { callStep } from "./step-call";

/** What a producer hands a consumer: its answer and the labels the packet passed (itself last). */
interface Delivered {
  packet: TAiosPacket;
  path: string[];
}

/** `block <id>`, and `on cluster <id>` when the plan places it: what a step's error names. */
const blockOf = (step: PlanStep) =>
  `block ${step.blockId}${step.clusterId ? ` on cluster ${step.clusterId}` : ""}`;

interface NodeState {
  /** Inputs not resolved yet. */
  remaining: number;
  delivered: number;
  got: (Delivered | undefined)[] | undefined;
  /** First delivered input of a fan-in; its timer. */
  firstFrom: string | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class Walk {
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
    private readonly traceparent?: string,
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
          message: `step ${step.label} (${blockOf(step)}): controller error: ${(err as Error).message}`,
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
      clusterId: step.clusterId,
      nodeId: null,
      instanceId: null,
      start: Date.now(),
      durationMs: -1, // running; set when the step ends
      status: "ok",
      attempts: 0,
      next: [],
    };
    this.trace.push(entry);
    const t0 = performance.now();
    const span = tracing().startSpan("vdag.step", {
      parent: this.traceparent,
      kind: "client",
      attributes: {
        "aios.vdag.node": step.label,
        "aios.block.id": step.blockId,
        "aios.cluster.id": step.clusterId ?? undefined,
      },
    });
    const out = await callStep(step, body, this.ctx, this.active, span.header);
    span.setAttributes({
      "aios.instance.id": out.instanceId ?? undefined,
      "aios.node.id": out.nodeId ?? undefined,
    });
    if (!out.ok) span.fail(out.reason);
    span.end();
    if (this.done) return;
    const ms = performance.now() - t0;
    entry.durationMs = Math.round(ms * 1000) / 1000;
    entry.instanceId = out.instanceId;
    entry.nodeId = out.nodeId;
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
        message: `step ${step.label} (${blockOf(step)}) failed: ${reason}`,
        ...(!out.ok && out.badInput && step.inputs.length === 0 ? { badRequest: true } : {}),
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
      clusterId: step.clusterId,
      nodeId: null,
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
}
