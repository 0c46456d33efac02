import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, type Logger } from "@aios/service-kit";
import {
  type TAiosPacket,
  type TVdagControllerStatus,
  type TVdagInferResponse,
  ZVdagInferRequest,
} from "@aios/spec";
import {
  type ControllerSettings,
  DEFAULT_SETTINGS,
  type TVdagControllerConfig,
  type TVdagControllerConfigInput,
  ZVdagControllerConfig,
} from "./config";
import { type EngineContext, type EngineObserver, runVdagRequest } from "./engine";
import { HealthMonitor, type HealthVerdict } from "./health";
import { issuesOf } from "./http";
import { ControllerMetrics } from "./metrics";
import { type CompiledPlan, compilePlan, PlanError } from "./plan";
import { type ControllerPolicy, loadPolicies, type PolicySet, releasePolicies } from "./policies";
import { PoolRegistry } from "./pools";
import { QualitySampler } from "./quality";
import { QuotaTable } from "./quota";
import { type ControllerRoutes, createHandler } from "./server";

const MAX_SEQ_SESSIONS = 100_000;

const SHUTTING_DOWN = "controller is shutting down";

export interface VdagControllerOptions {
  /** The `AIOS_VDAG_CONTROLLER` shape; validated here. */
  config: TVdagControllerConfigInput;
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  log?: Logger;
  settings?: Partial<ControllerSettings>;
  /** Run the periodic health checks (default true). The first check runs anyway. */
  healthLoop?: boolean;
}

/** A reply of the controller: HTTP status, body, and the body as JSON text. */
export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** An error that is the client's (bad config, unknown session, no such policy): HTTP status + stage. */
export class ControllerError extends Error {
  constructor(
    readonly status: number,
    readonly stage: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/** One applied configuration; in-flight requests keep theirs when a new one is applied. */
interface Generation {
  n: number;
  config: TVdagControllerConfig;
  plan: CompiledPlan;
  engine: EngineContext;
  policies: PolicySet;
  /** Requests (and quality samples) using it. */
  active: number;
  retired: boolean;
}

export type VdagController = Awaited<ReturnType<typeof createVdagController>>;

/**
 * Starts a vDAG controller: loads the policies, checks the vDAG's health once, listens. Throws when
 * the configuration or a policy is invalid (nothing keeps running then).
 */
export async function createVdagController(opts: VdagControllerOptions) {
  const parsed = ZVdagControllerConfig.safeParse(opts.config);
  if (!parsed.success) {
    const { text, issues } = issuesOf(parsed.error);
    throw new ControllerError(400, "controller", `invalid controller configuration: ${text}`, issues);
  }
  const settings: ControllerSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const controllerId = parsed.data.controllerId;
  const log = opts.log ?? createLogger({ service: "vdag-controller", controllerId });
  const pools = new PoolRegistry();
  const metrics = new ControllerMetrics({ controller: controllerId, vdag: parsed.data.vdagURI });
  const quota = new QuotaTable();
  const quality = new QualitySampler(log);
  const live = new Set<Generation>();
  let current: Generation;
  let generations = 0;

  const health = new HealthMonitor({
    plan: () => current.plan,
    policy: () => current.policies.health,
    intervalMs: () => current.config.health.intervalSeconds * 1000,
    timeoutMs: settings.healthTimeoutMs,
    log,
  });
  const observer: EngineObserver = {
    step: (label, ms, ok) => metrics.step(label, ms, ok),
    unreachable: () => health.trigger(),
  };

  /** Plan and policies of a configuration; throws ControllerError 400. */
  async function build(config: TVdagControllerConfig, previous?: PolicySet): Promise<Generation> {
    let plan: CompiledPlan;
    try {
      plan = compilePlan(config.plan, pools);
    } catch (e) {
      if (e instanceof PlanError) {
        throw new ControllerError(
          400,
          "controller",
          e.message,
          e.problems.map((message) => ({ path: "plan", message })),
        );
      }
      throw e;
    }
    if (plan.vdagURI !== config.vdagURI)
      throw new ControllerError(
        400,
        "controller",
        `plan.vdagURI ${plan.vdagURI} differs from vdagURI ${config.vdagURI}`,
      );
    let policies: PolicySet;
    try {
      policies = await loadPolicies(
        { quota: config.quota?.policy, health: config.health.policy, quality: config.quality?.policy },
        previous,
        log,
      );
    } catch (e) {
      throw new ControllerError(400, "controller", (e as Error).message);
    }
    return {
      n: ++generations,
      config,
      plan,
      policies,
      active: 0,
      retired: false,
      engine: {
        plan,
        stepTimeoutMs: config.stepTimeoutMs,
        retries: config.retries,
        fanInTimeoutMs: config.fanInTimeoutMs,
        observer,
      },
    };
  }

  /** Releases a retired configuration once its last request is done. */
  function settle(gen: Generation): void {
    if (!gen.retired || gen.active > 0 || !live.has(gen)) return;
    live.delete(gen);
    releasePolicies(gen.policies);
    const origins = new Set<string>();
    for (const g of live) for (const o of g.plan.origins) origins.add(o);
    pools.retain(origins);
  }

  try {
    current = await build(parsed.data);
  } catch (e) {
    await pools.close();
    throw e;
  }
  live.add(current);

  // ---- requests ---------------------------------------------------------------------------------
  const tasks = new Map<string, string>();
  /** Next default `seq_no` per session, for the most recent MAX_SEQ_SESSIONS sessions. */
  const seqs = new Map<string, number>();
  let stopping = false;
  let inFlight = 0;

  const remember = (taskId: string, text: string) => {
    tasks.delete(taskId);
    tasks.set(taskId, text);
    if (tasks.size > settings.tasksKept) tasks.delete(tasks.keys().next().value as string);
  };

  /** Answer without walking: refused or failed before the graph. */
  const refusal = (
    taskId: string,
    gen: Generation,
    status: number,
    stage: "request" | "quota" | "health" | "controller",
    message: string,
    t0: number,
  ): Reply<TVdagInferResponse> => ({
    status,
    body: {
      taskId,
      vdagURI: gen.config.vdagURI,
      outputs: [],
      trace: [],
      durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
      error: { message, stage },
    },
  });

  /**
   * One request (what `POST /v1/infer` does): health fast check, quota, the walk. The reply's body
   * is a `ZVdagInferResponse`; `text` is its JSON (the HTTP handler sends it as is).
   */
  async function infer(
    json: unknown,
    taskIdIn?: string,
  ): Promise<Reply<TVdagInferResponse> & { text: string }> {
    const reply = await inferReply(json, taskIdIn);
    const text = JSON.stringify(reply.body);
    // Kept for GET /v1/tasks/:id: every request that was taken (not bad ones, not while stopping).
    if (reply.status !== 400 && reply.body.error?.message !== SHUTTING_DOWN)
      remember(reply.body.taskId, text);
    return { ...reply, text };
  }

  async function inferReply(json: unknown, taskIdIn?: string): Promise<Reply<TVdagInferResponse>> {
    const t0 = performance.now();
    const taskId = taskIdIn || randomUUID();
    const gen = current;
    if (stopping) return refusal(taskId, gen, 503, "controller", SHUTTING_DOWN, t0);
    const req = ZVdagInferRequest.safeParse(json);
    if (!req.success) {
      const { text, issues } = issuesOf(req.error);
      const r = refusal(taskId, gen, 400, "request", `invalid request: ${text}`, t0);
      (r.body.error as Record<string, unknown>).issues = issues;
      return r;
    }
    gen.active++;
    inFlight++;
    let keep = false;
    try {
      const vdagURI = gen.config.vdagURI;
      const session_id = req.data.session_id ?? "default";
      let seq_no = req.data.seq_no;
      const nextSeq = seqs.get(session_id) ?? 0;
      if (seq_no === undefined) seq_no = nextSeq;
      if (seq_no >= nextSeq) {
        // Sessions come and go: keep the most recent ones (a Map iterates in insertion order).
        seqs.delete(session_id);
        if (seqs.size >= MAX_SEQ_SESSIONS) seqs.delete(seqs.keys().next().value as string);
        seqs.set(session_id, seq_no + 1);
      }

      const unhealthy = await health.fastCheck(gen.policies.health, vdagURI);
      if (unhealthy !== undefined) {
        metrics.request("refused_health");
        return refusal(taskId, gen, 503, "health", unhealthy, t0);
      }
      const packet: TAiosPacket = { session_id, seq_no, data: req.data.data, ts: Date.now() };
      if (req.data.files) packet.files = req.data.files;
      const q = await quota.check(gen.policies.quota, vdagURI, session_id, packet);
      if (!q.allowed) {
        metrics.request("refused_quota");
        return refusal(taskId, gen, q.status, "quota", q.reason, t0);
      }

      const result = await runVdagRequest(gen.engine, packet);
      const body: TVdagInferResponse = {
        taskId,
        vdagURI,
        ...(result.packet ? { packet: result.packet } : {}),
        outputs: result.outputs,
        trace: result.trace,
        durationMs: result.durationMs,
      };
      if (result.error) {
        body.error = result.error;
        metrics.request("error", result.durationMs);
        const status = result.error.stage === "controller" ? 500 : result.timedOut ? 504 : 502;
        return { status, body };
      }
      metrics.request("ok", result.durationMs);
      const q2 = gen.config.quality;
      const policy = gen.policies.quality;
      if (q2 && policy && result.packet && quality.due(q2.framesInterval)) {
        keep = true;
        const response = result.packet;
        // After the answer was written (the handler writes it before the next macrotask).
        setImmediate(() => {
          void quality
            .sample(policy, taskId, {
              vdagURI,
              request: result.request,
              response,
              latencyMs: result.durationMs,
            })
            .finally(() => {
              gen.active--;
              settle(gen);
            });
        });
      }
      return { status: 200, body };
    } catch (err) {
      log.error("request failed in the controller", { taskId, err });
      metrics.request("error", performance.now() - t0);
      return refusal(taskId, gen, 500, "controller", `controller error: ${(err as Error).message}`, t0);
    } finally {
      inFlight--;
      if (!keep) {
        gen.active--;
        settle(gen);
      }
    }
  }

  // ---- configuration ----------------------------------------------------------------------------
  let configuring: Promise<unknown> = Promise.resolve();

  /**
   * Applies a new configuration of this controller: requests in flight finish with the old plan and
   * policies; policies whose code, settings and parameters did not change are kept (with their
   * state). Runs a health check of the new plan before answering. Throws ControllerError.
   */
  function setConfig(input: unknown): Promise<void> {
    const run = configuring.then(async () => {
      const cfg = ZVdagControllerConfig.safeParse(input);
      if (!cfg.success) {
        const { text, issues } = issuesOf(cfg.error);
        throw new ControllerError(400, "controller", `invalid controller configuration: ${text}`, issues);
      }
      if (cfg.data.controllerId !== controllerId)
        throw new ControllerError(
          409,
          "controller",
          `this is controller ${controllerId}, not ${cfg.data.controllerId}`,
        );
      let next: Generation;
      try {
        next = await build(cfg.data, current.policies);
      } catch (e) {
        const origins = new Set<string>();
        for (const g of live) for (const o of g.plan.origins) origins.add(o);
        pools.retain(origins);
        throw e;
      }
      const old = current;
      current = next;
      live.add(next);
      old.retired = true;
      settle(old);
      if (old.config.vdagURI !== next.config.vdagURI)
        metrics.registry.setDefaultLabels({ controller: controllerId, vdag: next.config.vdagURI });
      log.info("configuration applied", {
        generation: next.n,
        vdagURI: next.config.vdagURI,
        nodes: next.plan.order.length,
      });
      if (opts.healthLoop === false) await health.check();
      else await health.restart();
    });
    configuring = run.catch(() => undefined);
    return run;
  }

  // ---- management -------------------------------------------------------------------------------
  async function mgmt(slot: keyof PolicySet, stage: string, json: unknown): Promise<Reply> {
    const body = json as { action?: unknown; data?: unknown } | undefined;
    if (typeof body?.action !== "string" || body.action === "")
      throw new ControllerError(400, "request", "body must be {action, data?}");
    const policy: ControllerPolicy | undefined = current.policies[slot];
    if (!policy) throw new ControllerError(404, stage, `no ${slot} policy configured`);
    const r = await policy.management(body.action, body.data);
    if (!r.ok) throw new ControllerError(422, stage, r.message);
    return { status: 200, body: { ok: true, result: r.value } };
  }

  function healthView(v: HealthVerdict | undefined) {
    return {
      healthy: v?.healthy ?? true,
      ...(v?.message ? { reason: v.message } : {}),
      unhealthyBlocks: v?.unhealthyBlocks ?? [],
      checkedAt: v?.at ?? null,
      healthCheckData: v?.data ?? {},
      ...(health.lastError ? { policyError: health.lastError } : {}),
    };
  }

  function status(): TVdagControllerStatus & { generation: number; inFlight: number } {
    const v = health.last;
    return {
      controllerId,
      vdagURI: current.config.vdagURI,
      healthy: v?.healthy ?? true,
      ...(v?.message ? { healthReason: v.message } : {}),
      checkedAt: v?.at ?? null,
      healthCheckData: v?.data ?? {},
      requests: metrics.requestStatus(),
      nodes: metrics.nodeStatus(current.plan.order.map((s) => s.label)),
      quality: { sampled: quality.sampled, failed: quality.failed },
      generation: current.n,
      inFlight,
    };
  }

  // ---- server -----------------------------------------------------------------------------------
  const controller: ControllerRoutes = {
    controllerId,
    settings,
    log,
    metrics,
    quota,
    health,
    quality,
    config: (): TVdagControllerConfig => current.config,
    plan: (): CompiledPlan => current.plan,
    infer,
    setConfig,
    status,
    task: (id: string) => tasks.get(id),
    healthView: () => healthView(health.last),
    checkHealth: async () => healthView(await health.check()),
    quotaMgmt: (json: unknown) => mgmt("quota", "quota", json),
    healthMgmt: (json: unknown) => mgmt("health", "health", json),
    qualityMgmt: (json: unknown) => mgmt("quality", "quality", json),
    isStopping: () => stopping,
  };
  const active = { count: 0 };
  const handler = createHandler(controller, active);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void handler(req, res));

  try {
    if (opts.healthLoop === false) await health.check();
    else await health.start();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
    });
  } catch (e) {
    health.stop();
    releasePolicies(current.policies);
    await pools.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  log.info("vDAG controller listening", {
    port,
    vdagURI: current.config.vdagURI,
    nodes: current.plan.order.length,
    healthy: health.last?.healthy,
  });

  let closing: Promise<void> | undefined;
  /** Stops taking requests (503), lets in-flight ones finish (bounded), closes everything. */
  const close = (drainMs = settings.drainTimeoutMs): Promise<void> => {
    closing ??= (async () => {
      stopping = true;
      health.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const deadline = Date.now() + drainMs;
      const busy = () => active.count > 0 || [...live].some((g) => g.active > 0);
      while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      server.closeAllConnections();
      await closed;
      for (const g of live) releasePolicies(g.policies);
      live.clear();
      await pools.close();
      log.info("vDAG controller stopped");
    })();
    return closing;
  };

  return {
    ...controller,
    port,
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    close,
  };
}
