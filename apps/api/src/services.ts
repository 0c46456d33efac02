import type { Db } from "@aios/db";
import type { QueueBackend } from "@aios/queue";
import type { Logger } from "@aios/service-kit";
import type { AuthMode } from "./auth/resolve-principal";
import { createInferenceModels } from "./data-plane/open-inference/models";
import { createAgentService } from "./domains/agents/agent.service";
import { createAllocatorService } from "./domains/allocator/allocator.service";
import { createPlacementService, DEFAULT_NODE_LOST_SECONDS } from "./domains/allocator/placement.service";
import { createAssetService } from "./domains/assets/asset.service";
import { DEFAULT_MAX_ASSET_MB } from "./domains/assets/asset-blob.store";
import { createAssetFetchTokens } from "./domains/assets/fetch-tokens";
import { createAuditEventRegistry } from "./domains/audit/audit.registry";
import { createAuditService } from "./domains/audit/audit.service";
import { createBlockService } from "./domains/blocks/block.service";
import { createBlockAgentLoop } from "./domains/blocks/block-agent-loop.service";
import { createBlockEvents, EVENT_POLICY_ACTOR } from "./domains/blocks/block-events.service";
import { createBlockLifecycle } from "./domains/blocks/block-lifecycle.service";
import { createBlockMetrics } from "./domains/blocks/block-metrics.service";
import { createBlockPlacement } from "./domains/blocks/block-placement.service";
import { createInstanceRegistry } from "./domains/blocks/instance.registry";
import { createRollTurns } from "./domains/blocks/roll-turns";
import { createClusterService } from "./domains/clusters/cluster.service";
import { createClusterDuty } from "./domains/clusters/cluster-duty.service";
import { createClusterStability } from "./domains/clusters/cluster-stability.service";
import { createComponentService } from "./domains/components/component.service";
import { createContainerRegistryService } from "./domains/container-registries/container-registry.service";
import { createSecretBox } from "./domains/container-registries/secret-box";
import { createLocalEventBus, type EventBus } from "./domains/events/event-bus";
import { LiveEmitter } from "./domains/events/live-emitter";
import { createExecutorRegistry } from "./domains/executors/executor.registry";
import { createExecutorCalls } from "./domains/executors/executor-calls";
import { createFunctionRegistry } from "./domains/functions/function.registry";
import { createFunctionService } from "./domains/functions/function.service";
import { createPreCheckService } from "./domains/gateway/pre-check.service";
import { createPreCheckPolicies } from "./domains/gateway/pre-check-policies.service";
import { createHealthService } from "./domains/health/health.service";
import { createMetricsKeys } from "./domains/metrics/metrics-keys";
import { createMetricsQuery } from "./domains/metrics/metrics-query.service";
import { policyMetricsQuery } from "./domains/metrics/policy-metrics";
import { createGpuRegistry } from "./domains/nodes/gpu.registry";
import { createNodeService } from "./domains/nodes/node.service";
import { createNodeLiveness } from "./domains/nodes/node-liveness.service";
import { createOverviewService } from "./domains/overview/overview.service";
import { createParserService } from "./domains/parser/parser.service";
import { createTemplateExpander } from "./domains/parser/template-expansion";
import { createPolicyService } from "./domains/policies/policy.service";
import { createPolicyJobRegistry } from "./domains/policies/policy-job.registry";
import { createPolicyJobService } from "./domains/policies/policy-job.service";
import { createPolicyRuntimeService, policySource } from "./domains/policies/policy-runtime.service";
import { createGraphRegistry } from "./domains/policy-graphs/graph.registry";
import { createGraphService } from "./domains/policy-graphs/graph.service";
import { createQualityAudit } from "./domains/quality/quality-audit.service";
import { createQualityRouting } from "./domains/quality/quality-routing";
import {
  createWebhookDelivery,
  type WebhookDeliverySettings,
} from "./domains/quality/webhook-delivery.service";
import { createWebhookSecrets } from "./domains/quality/webhook-secrets.service";
import { createWebhookTargets } from "./domains/quality/webhook-targets";
import { createClusterQueues } from "./domains/queues/cluster-queues";
import { createRanking } from "./domains/registry/ranking";
import { createSpecStore } from "./domains/specs/spec-store.service";
import { createJoinTokenService } from "./domains/tokens/join-token.service";
import { createApiTokenRegistry } from "./domains/tokens/token.registry";
import { createTokenService } from "./domains/tokens/token.service";
import type { TokenCache } from "./domains/tokens/token-cache";
import { createExecutorFollowers } from "./domains/vdags/executor-followers";
import { createTaskRegistry } from "./domains/vdags/task.registry";
import { createVdagService } from "./domains/vdags/vdag.service";
import { createVdagControllerRegistry } from "./domains/vdags/vdag-controller.registry";
import { createVdagControllers } from "./domains/vdags/vdag-controllers.service";
import { createVdagInference } from "./domains/vdags/vdag-inference.service";
import { createVdagMetrics } from "./domains/vdags/vdag-metrics.service";
import { createVdagQuotaStore } from "./domains/vdags/vdag-quota.service";
import type { VdagTaskSettings } from "./domains/vdags/vdag-tasks.service";
import { createApiMetrics } from "./metrics";
import { createRateLimits, type RateLimitConfig } from "./rate-limits";
import { createWorkloadTargets, type OwnService } from "./workload-targets";

export interface ServiceConfig {
  auth: AuthMode;
  agentStaleSeconds: number;
  /** CPU time per call and memory per isolate for policies run by the API itself. */
  policyLimits?: { cpuTimeMs?: number; memoryMb?: number };
  /** Per-key rate limits of data-plane invokes and dry runs; none unless given. */
  rateLimits?: Partial<RateLimitConfig>;
  /** A node silent for this long is lost: its instances are placed again elsewhere (AIOS_NODE_LOST_SECONDS). */
  nodeLostSeconds?: number;
  /** The key credentials are sealed with at rest (AIOS_SECRETS_KEY); without it none can be stored. */
  secretsKey?: Buffer | null;
  /** The largest blob the assets registry keeps, in MiB (AIOS_MAX_ASSET_MB, 512). */
  maxAssetMb?: number;
  /** Async vDAG tasks: worker concurrency, the age past which a pending one fails, the sweep's period. */
  vdagTasks?: Partial<VdagTaskSettings>;
  /**
   * Quality webhooks: attempts per delivery (AIOS_QUALITY_WEBHOOK_MAX_ATTEMPTS, 8), backoff, polling,
   * the networks besides public addresses they may go to (AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS).
   */
  qualityWebhooks?: Partial<WebhookDeliverySettings> & { maxAttempts?: number; allowedNetworks?: string[] };
  /**
   * Where the API calls workloads (executors, vDAG controllers, function replicas): the networks
   * AIOS_WORKLOAD_NETWORKS lists (none: any address but link-local, unspecified, multicast and
   * reserved ones), and the platform's own services, which no workload's address may lead to.
   */
  workloads?: { networks?: string[]; ownServices?: OwnService[] };
}

/** Wires the services once per process; tests build their own with a database of their own. */
export function createServices(deps: {
  db: Db;
  queues: QueueBackend;
  log: Logger;
  config: ServiceConfig;
  /** Carries live status events to the other API processes (over PostgreSQL in main.ts); none without it. */
  liveEvents?: EventBus;
  /** Keeps the tokens read while PostgreSQL tells of their changes (main.ts); without it each request reads its token. */
  tokenCache?: TokenCache;
}) {
  const { db, queues, config } = deps;
  const liveEvents = deps.liveEvents ?? createLocalEventBus();
  const audit = createAuditService(db);
  const metrics = createApiMetrics({ db, queues });
  const clusterQueues = createClusterQueues(queues);
  // The metrics query API; the policies the API runs read metrics through it (`ctx.query`). Its
  // cluster store asks the nodes' agents over their queues.
  const metricsQuery = createMetricsQuery(db, clusterQueues);
  const policyRuntime = createPolicyRuntimeService(db, config.policyLimits, {
    observe: metrics.observePolicy,
    query: policyMetricsQuery(db, metricsQuery),
  });
  // The gateway's pre-checks, run by each action's service before it changes anything.
  const preChecks = createPreCheckService({
    db,
    audit,
    execute: (uri, input) => policyRuntime.execute(uri, input),
  });
  const clusters = createClusterService(db, preChecks);
  const nodes = createNodeService(db, preChecks);
  // Registries' credentials, sealed with AIOS_SECRETS_KEY before they are stored.
  const secretBox = createSecretBox(config.secretsKey ?? null);
  const containerRegistries = createContainerRegistryService(db, secretBox);
  // Quality checks sent on: each vDAG's webhook secret (sealed like the registries' passwords).
  const webhookSecrets = createWebhookSecrets(db, secretBox);
  const components = createComponentService(db, containerRegistries);
  // Status changes of blocks, from their creation to their removal (blocks.onStatus), heard by every API process.
  const blockEvents = new LiveEmitter(liveEvents, "blocks.status");
  // The Resource Allocator: the cluster of each new block (createBlock's modes, allocator.dryRun).
  const allocator = createAllocatorService({
    db,
    executePolicy: (uri, input, overrides) => policyRuntime.execute(uri, input, overrides),
  });
  // Placement inside a cluster: each instance's node and GPUs, each executor's node.
  const placement = createPlacementService({
    db,
    executePolicy: (uri, input, overrides, opts) => policyRuntime.execute(uri, input, overrides, opts),
    nodeLostSeconds: config.nodeLostSeconds ?? DEFAULT_NODE_LOST_SECONDS,
  });
  const blockPlacement = createBlockPlacement(
    db,
    placement,
    clusterQueues,
    config.nodeLostSeconds ?? DEFAULT_NODE_LOST_SECONDS,
  );
  const blocks = createBlockService(db, blockPlacement, preChecks, allocator, blockEvents);
  // The API's connections to workloads, each new one checked (workload-targets.ts).
  const workloadTargets = createWorkloadTargets(config.workloads);
  const workloads = workloadTargets.dispatcher;
  const blockLifecycle = createBlockLifecycle(
    db,
    clusterQueues,
    preChecks,
    blockPlacement,
    workloads,
    blockEvents,
  );
  const clusterStability = createClusterStability({ db, queues: clusterQueues, preChecks });
  const blockAgentLoop = createBlockAgentLoop(
    db,
    blockEvents,
    blockPlacement,
    containerRegistries,
    workloadTargets,
    createExecutorFollowers(db, clusterQueues, deps.log),
  );
  // Block events (instances started, crashed, scaled...; the instances' own): stored, live
  // (blocks.onEvent), each queued for the block's event policy, run on its cluster's duty holder,
  // whose output may scale or command it.
  const blockEventLog = createBlockEvents({
    db,
    log: deps.log,
    live: new LiveEmitter(liveEvents, "blocks.events", "event"),
    queues: clusterQueues,
  });
  blockEventLog.listen(blockEvents);
  blockEventLog.policies.actWith({
    scale: (id, instances) => blockLifecycle.scale(id, instances, null, EVENT_POLICY_ACTOR),
    mgmt: (id, instanceId, action, data) => blockLifecycle.mgmt(id, instanceId, action, data),
  });
  // Status changes of vDAGs, from their creation (assigned) to active, unhealthy or removed (vdags.onStatus),
  // heard by every API process.
  const vdagEvents = new LiveEmitter(liveEvents, "vdags.status");
  const { maxAttempts = 8, allowedNetworks = [], ...webhookSettings } = config.qualityWebhooks ?? {};
  // Where webhooks may go: public addresses, and the networks the operator allows.
  const webhookTargets = createWebhookTargets(allowedNetworks);
  const vdags = createVdagService({
    db,
    queues: clusterQueues,
    preChecks,
    events: vdagEvents,
    executePolicy: (uri, input, overrides) => policyRuntime.execute(uri, input, overrides),
    webhookSecrets,
    webhookTargets,
  });
  const vdagControllers = createVdagControllers(
    db,
    vdagEvents,
    createQualityRouting(db, { maxAttempts }),
    workloadTargets,
  );
  const policies = createPolicyService(db, policyRuntime);
  const functions = createFunctionService(db, clusterQueues, workloadTargets);
  const tokens = createTokenService(db, deps.tokenCache);
  // The spec store: named, versioned spec documents the Parser applies by URI.
  const specs = createSpecStore(db);
  // Policy executors you deploy: registered here, called by policies.execute({executorId | executorGroup}).
  const executors = createExecutorRegistry(db, secretBox, workloadTargets);
  return {
    config,
    db,
    queues,
    audit,
    tokens,
    rateLimits: createRateLimits(config.rateLimits),
    joinTokens: createJoinTokenService(db, audit),
    health: createHealthService({
      db,
      queues,
      agentStaleSeconds: config.agentStaleSeconds,
      notifications: () => ({
        liveEvents: liveEvents.stats().state,
        tokenChanges: deps.tokenCache ? (deps.tokenCache.listening() ? "listening" : "connecting") : "off",
        replies: queues.replies.state(),
      }),
    }),
    overview: createOverviewService(db),
    clusters,
    clusterStability,
    nodes,
    components,
    containerRegistries,
    preChecks,
    preCheckPolicies: createPreCheckPolicies(db, preChecks),
    assets: createAssetService(db, { maxAssetMb: config.maxAssetMb ?? DEFAULT_MAX_ASSET_MB }),
    assetFetchTokens: createAssetFetchTokens(db, tokens),
    metricsKeys: createMetricsKeys(db, tokens),
    allocator,
    blocks,
    blockLifecycle,
    blockAgentLoop,
    blockEvents: blockEventLog,
    rollTurns: createRollTurns(db),
    placement,
    blockPlacement,
    clusterDuty: createClusterDuty({ db, leaseSeconds: config.nodeLostSeconds ?? DEFAULT_NODE_LOST_SECONDS }),
    nodeLiveness: createNodeLiveness({
      db,
      placement: blockPlacement,
      nodeLostSeconds: config.nodeLostSeconds ?? DEFAULT_NODE_LOST_SECONDS,
      log: deps.log,
    }),
    blockMetrics: createBlockMetrics(db),
    metricsQuery,
    /** The process's Prometheus metrics (`GET /metrics`). */
    metrics,
    vdags,
    vdagControllers,
    /** The manual audit queue of quality samples. */
    qualityAudit: createQualityAudit(db),
    /** The quality webhook outbox's sender (started by main.ts in every API process). */
    qualityWebhooks: createWebhookDelivery({
      db,
      secrets: webhookSecrets,
      log: deps.log,
      settings: webhookSettings,
      targets: webhookTargets,
    }),
    webhookSecrets,
    webhookTargets,
    /** Where the API calls workloads, and its connections to them. */
    workloadTargets,
    vdagQuota: createVdagQuotaStore(db),
    vdagMetrics: createVdagMetrics(db),
    inferenceModels: createInferenceModels({ db, blocks, components, vdags, blockLifecycle }),
    vdagInference: createVdagInference(
      db,
      vdagControllers,
      deps.log,
      clusterQueues,
      { backend: queues, settings: config.vdagTasks },
      workloads,
    ),
    policies,
    policyRuntime,
    executors,
    executorCalls: createExecutorCalls(executors, workloads),
    /** Ranking policies over a registry search's matches (`rankingPolicyRule`). */
    ranking: createRanking({
      db,
      executePolicy: (uri, input, overrides) => policyRuntime.execute(uri, input, overrides),
    }),
    policySources: { get: (uri: string) => policySource(db, uri) },
    policyJobs: createPolicyJobService(db, clusterQueues),
    functions,
    graphs: createGraphService(db, functions),
    clusterQueues,
    /** Read-only registries searched over a whitelist of their records' fields (`registry/row-search.ts`). */
    registries: {
      functions: createFunctionRegistry(db),
      graphs: createGraphRegistry(db),
      policyJobs: createPolicyJobRegistry(db),
      instances: createInstanceRegistry(db),
      gpus: createGpuRegistry(db),
      vdagControllers: createVdagControllerRegistry(db),
      tasks: createTaskRegistry(db),
      auditEvents: createAuditEventRegistry(db),
      apiTokens: createApiTokenRegistry(db),
    },
    agents: createAgentService({ db, nodes, audit, preChecks }),
    parser: createParserService({
      clusters,
      nodes,
      components,
      blocks,
      blockLifecycle,
      clusterStability,
      vdags,
      policies,
      audit,
      // Documents for a template are expanded by its policy, run by the central executor.
      templates: createTemplateExpander({
        db,
        execute: (uri, input, overrides) => policyRuntime.execute(uri, input, overrides),
      }),
      specs,
    }),
    specs,
  };
}

export type Services = ReturnType<typeof createServices>;
