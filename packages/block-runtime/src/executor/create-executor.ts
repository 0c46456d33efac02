import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PolicyQuery } from "@aios/policy-runtime";
import {
  createLogger,
  DEFAULT_MAX_BODY_MB,
  dataPlaneBodyLimit,
  type Logger,
  neverConnected,
} from "@aios/service-kit";
import { Autoscaler } from "../autoscaler";
import {
  type RuntimeSettings,
  resolveSettings,
  type TBlockRuntimeConfigInput,
  ZBlockRuntimeConfig,
} from "../config";
import { DesiredState } from "../desired";
import { HealthChecker } from "../health-checker";
import { Mapper, type TInstancesUpdate } from "../mapper";
import { type BlockPolicy, loadBlockPolicy } from "../policies";
import { Occupancy } from "../stats";
import { Balancer } from "./balancer";
import { createExecutorMetrics } from "./metrics";
import { createHandler } from "./server";
import { buildStatus } from "./status";

export interface ExecutorOptions {
  /** The block (the `AIOS_BLOCK` shape); validated here. */
  block: TBlockRuntimeConfigInput;
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  log?: Logger;
  /** Overrides of the settings resolved from initSettings / policy settings (tests). */
  settings?: Partial<RuntimeSettings>;
  /** The largest `/infer` body in MiB (`AIOS_MAX_BODY_MB`, default 16); a larger one is answered 413. */
  maxBodyMb?: number;
  /** Initial instances (the agent may also push them later with PUT /instances), each with its data token. */
  instances?: TInstancesUpdate["instances"];
  /**
   * The node the executor runs on (`AIOS_NODE_ID`, from its agent): every `/infer` answer names
   * it in `x-aios-node`, so a vDAG's trace says where each step ran. Absent: no such header.
   */
  nodeId?: string | null;
  /** Called once per new replace request, besides publishing it on /desired. */
  replaceInstance?(id: string, reason: string): void;
  /** Start the health-checker and autoscaler loops (default true). */
  loops?: boolean;
  /**
   * The autoscaler policy's `ctx.query`: the block's cluster's metrics, read through the API with a
   * metrics key (`AIOS_METRICS_QUERY`, from the agent). Absent: the policy has no `ctx.query`.
   */
  metricsQuery?: PolicyQuery;
  /**
   * The bearer token the agent's routes (`/instances`, `/desired`, `/mgmt/<service>`) require;
   * null leaves them open (tests, benches). Required, so an embedder decides.
   */
  controlToken: string | null;
  /**
   * The bearer token `/infer` requires (the executor's data token; the API and vDAG controllers
   * send it); null leaves it open (tests, benches). Required, so an embedder decides.
   */
  dataToken: string | null;
}

export type Executor = Awaited<ReturnType<typeof createExecutor>>;

/** Starts one block's executor: HTTP server, mapper, health checker and autoscaler. */
export async function createExecutor(opts: ExecutorOptions) {
  const block = ZBlockRuntimeConfig.parse(opts.block);
  const settings = { ...resolveSettings(block), ...opts.settings };
  const log = opts.log ?? createLogger({ service: "block-executor", blockId: block.id });
  const { policies: policySpecs, ...blockData } = block;

  const loaded: BlockPolicy[] = [];
  const load = async (kind: "loadBalancer" | "autoscaler" | "healthChecker") => {
    const spec = policySpecs[kind];
    if (!spec) return undefined;
    const policy = await loadBlockPolicy(kind, spec);
    loaded.push(policy);
    return policy;
  };
  const [lbPolicy, asPolicy, hcPolicy] = await Promise.all([
    load("loadBalancer"),
    load("autoscaler"),
    load("healthChecker"),
  ]).catch((err) => {
    for (const p of loaded) p.dispose();
    throw err;
  });

  const mapper = new Mapper();
  const desired = new DesiredState(block.id, block, mapper);
  const balancer = new Balancer(block.id, lbPolicy, log);
  const metrics = createExecutorMetrics(mapper, { block: block.id });
  const requests = new Occupancy();
  const healthChecker = new HealthChecker({
    mapper,
    settings,
    blockData,
    ...(hcPolicy ? { policy: hcPolicy } : {}),
    log,
    replaceInstance(id, reason) {
      if (!desired.requestReplace(id, reason)) return;
      log.warn("instance needs replacing", { instanceId: id, reason });
      opts.replaceInstance?.(id, reason);
    },
    recovered: (id) => desired.withdrawReplace(id),
  });
  const autoscaler = new Autoscaler({
    mapper,
    requests,
    desired,
    settings,
    blockData,
    ...(asPolicy ? { policy: asPolicy } : {}),
    ...(opts.metricsQuery ? { query: opts.metricsQuery } : {}),
    log,
  });

  let stopping = false;
  const active = { count: 0 };
  const sources = {
    blockId: block.id,
    startedAt: Date.now(),
    mapper,
    desired,
    balancer,
    healthChecker,
    autoscaler,
    metrics,
  };
  const handler = createHandler({
    ...sources,
    servicePolicies: {
      ...(lbPolicy ? { executor: lbPolicy } : {}),
      ...(asPolicy ? { autoscaler: asPolicy } : {}),
      ...(hcPolicy ? { health: hcPolicy } : {}),
    },
    dispatcher: {
      mapper,
      balancer,
      timeoutMs: settings.taskTimeoutMs,
      healthyWaitMs: settings.healthyWaitMs,
      // No connection at all: skip the instance until a probe passes. A reset (a stale keep-alive
      // socket, a crash mid-task) alone does not take it out of rotation; the probe decides.
      onUnreachable: (record, failure) => {
        if (neverConnected(failure)) mapper.setState(record, "unhealthy");
      },
    },
    bodyLimit: dataPlaneBodyLimit(opts.maxBodyMb ?? DEFAULT_MAX_BODY_MB),
    nodeId: opts.nodeId ?? null,
    controlToken: opts.controlToken,
    dataToken: opts.dataToken,
    isStopping: () => stopping,
    active,
    requests,
  });
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (opts.instances) mapper.set(opts.instances);
  if (opts.loops !== false) {
    healthChecker.start();
    autoscaler.start();
  }
  log.info("executor listening", { port, instances: opts.instances?.length ?? 0 });

  let closing: Promise<void> | undefined;
  /** Stops taking tasks, lets in-flight ones finish (bounded by drainTimeoutMs), closes everything. */
  const close = (drainMs = settings.drainTimeoutMs): Promise<void> => {
    closing ??= (async () => {
      stopping = true;
      healthChecker.stop();
      autoscaler.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      const deadline = Date.now() + drainMs;
      while (active.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
      await closed;
      await mapper.shutdown(Math.max(0, deadline - Date.now()));
      for (const p of loaded) p.dispose();
    })();
    return closing;
  };

  return {
    blockId: block.id,
    port,
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    settings,
    mapper,
    desired,
    balancer,
    healthChecker,
    autoscaler,
    metrics,
    setInstances: (list: TInstancesUpdate["instances"]) => mapper.set(list),
    status: () => buildStatus(sources),
    close,
  };
}
