import {
  safeParseSpec,
  type TAiosPacket,
  type TInstanceInitData,
  type TJsonObject,
  ZHealthReport,
  ZMgmtRequest,
  ZSetParametersRequest,
} from "@aios/contracts";
import { createLogger, type Logger } from "@aios/service-kit";
import type { ZodType } from "zod";
import { Batcher } from "./batcher";
import { asInstanceError, errorMessage, InstanceError, isJsonObject, type Reply } from "./errors";
import { EventOutbox } from "./events";
import { createInstanceMetrics, type InstanceMetrics } from "./metrics";
import { type BlockPolicies, disposeBlockPolicies, loadBlockPolicies } from "./processing";
import { handleInfer } from "./task";
import type { AnyComponent, InstanceContext, TaskContext } from "./types";
import { DEFAULT_VDAG_POLICY_CACHE_SIZE, type VdagHost, VdagPolicyCache } from "./vdag-processing";

export type Phase = "starting" | "ready" | "failed" | "stopping";

export interface HostOptions {
  log?: Logger;
  /** Block fields for the processing policies' `blockData` (minInstances, tags, ...), if known. */
  block?: TJsonObject;
  /** Distinct vDAG node policies kept loaded (least recently used disposed past it); default 64. */
  vdagPolicyCacheSize?: number;
}

/**
 * One instance of a component, independent of HTTP: the protocol server and the in-memory test
 * harness both drive it. Every method answers a protocol `Reply` and never throws.
 */
export class InstanceHost {
  phase: Phase = "starting";
  failure: string | undefined;
  parameters: TJsonObject;
  state: unknown;
  inFlight = 0;
  policies: BlockPolicies = {};
  readonly log: Logger;
  readonly metrics: InstanceMetrics;
  readonly batcher: Batcher<unknown, unknown> | undefined;
  /** The vDAG node policies of the tasks seen so far, loaded once each. */
  readonly vdagPolicies: VdagPolicyCache;
  /** Events emitted (`ctx.emitEvent`), until the agent drains them (`GET /events`). */
  readonly events = new EventOutbox();

  constructor(
    readonly def: AnyComponent,
    readonly init: TInstanceInitData,
    private readonly opts: HostOptions = {},
  ) {
    this.parameters = init.parameters;
    this.log = opts.log ?? createLogger({ blockId: init.blockId, instanceId: init.instanceId });
    this.metrics = createInstanceMetrics(init.blockId, init.instanceId, Boolean(def.batch));
    this.vdagPolicies = new VdagPolicyCache(opts.vdagPolicyCacheSize ?? DEFAULT_VDAG_POLICY_CACHE_SIZE);
    if (def.batch) {
      const infer = def.infer;
      this.batcher = new Batcher(def.batch, async (inputs, packets) => {
        this.metrics.batchSize?.observe(inputs.length);
        return infer(inputs, { ...this.taskContext(packets[0] as TAiosPacket), packets });
      });
    }
  }

  context(): InstanceContext {
    const { blockId, instanceId, componentURI, blockInitData, initSettings } = this.init;
    const { parameters, state, log } = this;
    return {
      blockId,
      instanceId,
      componentURI,
      blockInitData,
      initSettings,
      parameters,
      state,
      log,
      metrics: this.metrics.component,
      emitEvent: (name, data) => this.events.emit(name, data),
    };
  }

  taskContext(packet: TAiosPacket): TaskContext {
    return { ...this.context(), packet };
  }

  /** What the vDAG node policies need from the host. */
  get vdag(): VdagHost {
    return { blockId: this.init.blockId, log: this.log, cache: this.vdagPolicies };
  }

  /** The block as the processing policies see it (`ZPolicyBlock`); counts are 0 when unknown. */
  blockData(): TJsonObject {
    const { blockId, componentURI, blockInitData, initSettings } = this.init;
    return {
      id: blockId,
      blockComponentURI: componentURI,
      minInstances: 0,
      maxInstances: 0,
      ...this.opts.block,
      blockInitData,
      initSettings,
      parameters: this.parameters,
    };
  }

  /** Loads the processing policies and runs the component's init; a failure leaves it unhealthy. */
  async start(): Promise<void> {
    try {
      this.policies = await loadBlockPolicies(this.init.policies);
      this.state = await this.def.init?.({ ...this.context(), state: undefined });
      this.phase = "ready";
    } catch (e) {
      this.phase = "failed";
      this.failure = `init failed: ${errorMessage(e)}`;
      this.log.error(this.failure, { error: e });
    }
  }

  /** Refuses calls while the instance is not ready (503). */
  private notReady(): InstanceError | undefined {
    if (this.phase === "ready") return undefined;
    const why = {
      starting: "the instance is still initializing",
      failed: this.failure ?? "init failed",
      stopping: "the instance is shutting down",
    }[this.phase];
    return new InstanceError(503, why, { stage: "infer" });
  }

  infer(body: unknown): Promise<Reply> {
    const refused = this.notReady();
    if (refused) return Promise.resolve(this.fail(refused, "unavailable"));
    return handleInfer(this, body);
  }

  /** A failed task's reply; counted under `outcome`, logged (warn for 4xx, error for 5xx). */
  fail(e: InstanceError, outcome: string = e.stage): Reply {
    this.metrics.tasks.inc({ outcome });
    const write = e.status >= 500 ? this.log.error : this.log.warn;
    write(`task failed at ${e.stage}: ${e.message}`, { status: e.status, stage: e.stage });
    return { status: e.status, body: e.toBody(this.init.instanceId) };
  }

  async health(): Promise<Reply> {
    const refused = this.notReady();
    if (refused) return { status: 503, body: { status: "unhealthy", reason: refused.message } };
    try {
      const report = this.def.health ? await this.def.health(this.context()) : { status: "healthy" };
      const parsed = ZHealthReport.safeParse(report);
      if (!parsed.success) throw new Error("health() must return {status: 'healthy' | 'unhealthy', ...}");
      return { status: parsed.data.status === "healthy" ? 200 : 503, body: parsed.data };
    } catch (e) {
      return {
        status: 503,
        body: { status: "unhealthy", reason: `health check failed: ${errorMessage(e)}` },
      };
    }
  }

  async mgmt(body: unknown): Promise<Reply> {
    return this.control(async () => {
      const req = parseOrThrow(ZMgmtRequest, body);
      if (!this.def.management)
        throw new InstanceError(404, "this component has no management commands", { stage: "request" });
      const result = await this.def.management(req.action, req.data, this.context());
      return { ok: true, result };
    });
  }

  async setParameters(body: unknown): Promise<Reply> {
    return this.control(async () => {
      const { parameters } = parseOrThrow(ZSetParametersRequest, body);
      let next: unknown = parameters;
      try {
        next = (await this.def.onUpdate?.(parameters, this.context())) ?? parameters;
      } catch (e) {
        throw asInstanceError(e, 422, "request", "parameters refused: ");
      }
      if (!isJsonObject(next)) throw new InstanceError(500, "onUpdate must return an object or nothing");
      this.parameters = next;
      this.log.info("parameters updated", { parameters: next });
      return { ok: true, parameters: next };
    });
  }

  private async control(run: () => Promise<unknown>): Promise<Reply> {
    try {
      const refused = this.notReady();
      if (refused) throw refused;
      return { status: 200, body: await run() };
    } catch (e) {
      const err = asInstanceError(e, 500, "request");
      return { status: err.status, body: err.toBody(this.init.instanceId) };
    }
  }

  async metricsText(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.metrics.registry.contentType, text: await this.metrics.registry.metrics() };
  }

  /** Stops taking tasks, waits for those in flight (at most `timeoutMs`); false if some remain. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.phase = "stopping";
    this.batcher?.flush();
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    disposeBlockPolicies(this.policies);
    this.vdagPolicies.dispose();
    return this.inFlight === 0;
  }
}

/** Validates a request body; a failure is a 400 at stage `request` naming the fields. */
export function parseOrThrow<T>(schema: ZodType<T>, body: unknown): T {
  const parsed = safeParseSpec(schema, body);
  if (parsed.ok) return parsed.data as T;
  const detail = parsed.errors.map((i) => `${i.path || "(body)"}: ${i.message}`).join("; ");
  throw new InstanceError(400, `invalid request: ${detail}`, { stage: "request", issues: parsed.errors });
}
