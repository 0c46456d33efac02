import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TVdagControllerStatus } from "@aios/contracts";
import { createLogger, type Logger } from "@aios/service-kit";
import {
  type ControllerSettings,
  DEFAULT_SETTINGS,
  type TVdagControllerConfig,
  type TVdagControllerConfigInput,
  ZVdagControllerConfig,
} from "./config";
import { ControllerError, issuesOf, type Reply } from "./controller-error";
import type { EngineObserver } from "./engine";
import { Generations } from "./generations";
import { HealthMonitor, type HealthVerdict } from "./health";
import { createInference } from "./inference";
import { ControllerMetrics } from "./metrics";
import type { CompiledPlan } from "./plan";
import { type ControllerPolicy, type PolicySet, releasePolicies } from "./policies";
import { PoolRegistry } from "./pools";
import { QualitySampler } from "./quality";
import { QuotaTable } from "./quota";
import { createQuotaHandover } from "./quota-handover";
import { type ControllerRoutes, createHandler } from "./server";

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
  /**
   * The bearer token the agent's routes (`/config`, `/quality/samples`, `DELETE /quota/:sid`)
   * require; null leaves them open (tests, benches). Required, so an embedder decides.
   */
  controlToken: string | null;
  /**
   * The bearer token the data routes (`/v1/infer`, task and quota reads) require (the controller's
   * data token; the API's vDAG data plane sends it); null leaves them open (tests, benches).
   * Required, so an embedder decides.
   */
  dataToken: string | null;
  /**
   * A controller started again (`AIOS_VDAG_QUOTA_RESTORE=wait`): refuse requests (503, stage quota)
   * until the stored quota arrives (`PUT /quota/state`), so the counts never start over.
   */
  restoreQuota?: boolean;
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
  const quota = new QuotaTable({ restore: opts.restoreQuota === true });
  const quality = new QualitySampler(log);
  const health = new HealthMonitor({
    plan: () => generations.current.plan,
    policy: () => generations.current.policies.health,
    intervalMs: () => generations.current.config.health.intervalSeconds * 1000,
    timeoutMs: settings.healthTimeoutMs,
    log,
  });
  const observer: EngineObserver = {
    step: (label, ms, ok) => metrics.step(label, ms, ok),
    unreachable: () => health.trigger(),
  };

  const generations = new Generations({ pools, log, observer });
  await generations.start(parsed.data);
  const quotaHandover = createQuotaHandover({ quota, policy: () => generations.current.policies.quota, log });

  let stopping = false;
  const inference = createInference({
    generations,
    health,
    quota,
    quality,
    metrics,
    log,
    tasksKept: settings.tasksKept,
    isStopping: () => stopping,
  });

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
      const old = await generations.replace(cfg.data);
      const next = generations.current;
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
    const policy: ControllerPolicy | undefined = generations.current.policies[slot];
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
    const current = generations.current;
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
      inFlight: inference.inFlight,
    };
  }

  // ---- server -----------------------------------------------------------------------------------
  const controller: ControllerRoutes = {
    controllerId,
    settings,
    log,
    metrics,
    quota,
    quotaHandover,
    health,
    quality,
    config: (): TVdagControllerConfig => generations.current.config,
    plan: (): CompiledPlan => generations.current.plan,
    infer: inference.infer,
    setConfig,
    status,
    task: inference.task,
    healthView: () => healthView(health.last),
    checkHealth: async () => healthView(await health.check()),
    quotaMgmt: (json: unknown) => mgmt("quota", "quota", json),
    healthMgmt: (json: unknown) => mgmt("health", "health", json),
    qualityMgmt: (json: unknown) => mgmt("quality", "quality", json),
    isStopping: () => stopping,
  };
  const active = { count: 0 };
  const handler = createHandler(controller, active, { control: opts.controlToken, data: opts.dataToken });
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
    releasePolicies(generations.current.policies);
    await pools.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  log.info("vDAG controller listening", {
    port,
    vdagURI: generations.current.config.vdagURI,
    nodes: generations.current.plan.order.length,
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
      const busy = () => active.count > 0 || generations.busy();
      while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      server.closeAllConnections();
      await closed;
      generations.releaseAll();
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
