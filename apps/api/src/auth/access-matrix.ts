/**
 * Who may call what: one declared rule for every tRPC procedure and for every route of every
 * runtime's route table. Tests enumerate the router and the tables and fail when one has no rule
 * or behaves otherwise (apps/api/test/access-matrix.test.ts, access-matrix.int.test.ts, and the
 * runtime route test in apps/agents/test/runtime-routes-access.int.test.ts).
 */

/**
 * A procedure's rule: `public` anyone; `viewer` / `operator` / `admin` that role or a higher one
 * (what changes state or runs code is operator or admin, and audited); `agent-own-cluster` the
 * agent of the cluster the input concerns (and an admin); `join` anyone reaches it, and only a
 * valid cluster join token in its input is exchanged (for an agent token).
 */
export type ProcedureRule = "public" | "viewer" | "operator" | "admin" | "agent-own-cluster" | "join";

/** Every tRPC procedure of the app router, by path, with its rule. */
export const PROCEDURE_RULES: Readonly<Record<string, ProcedureRule>> = {
  "health.status": "public",
  "health.ping": "public",
  "overview.counts": "viewer",
  "parser.applySpec": "operator",
  "parser.validateSpec": "viewer",
  "parser.expand": "operator",
  "specs.list": "viewer",
  "specs.get": "viewer",
  "specs.search": "viewer",
  "specs.create": "operator",
  "specs.remove": "operator",
  "clusters.list": "viewer",
  "clusters.get": "viewer",
  "clusters.search": "viewer",
  "clusters.update": "operator",
  "clusters.remove": "operator",
  "clusters.mgmt": "operator",
  "clusters.joinToken": "admin",
  "clusters.revokeTokens": "admin",
  "nodes.list": "viewer",
  "nodes.get": "viewer",
  "nodes.search": "viewer",
  "nodes.metricSeries": "viewer",
  "metrics.query": "viewer",
  "metrics.series": "viewer",
  "nodes.remove": "operator",
  "gateway.preCheckPolicies": "viewer",
  "gateway.setPreCheckPolicy": "admin",
  "gateway.dryRun": "operator",
  "allocator.dryRun": "operator",
  "allocator.placement": "operator",
  "components.list": "viewer",
  "components.get": "viewer",
  "components.search": "viewer",
  "assets.list": "viewer",
  "assets.get": "viewer",
  "assets.search": "viewer",
  "assets.register": "operator",
  "assets.remove": "operator",
  "blocks.list": "viewer",
  "blocks.get": "viewer",
  "blocks.search": "viewer",
  "blocks.instances": "viewer",
  "blocks.logs": "viewer",
  "blocks.metrics": "viewer",
  "blocks.metricSeries": "viewer",
  "blocks.onStatus": "viewer",
  "blocks.events": "viewer",
  "blocks.onEvent": "viewer",
  "blocks.mgmt": "operator",
  "blocks.serviceMgmt": "operator",
  "blocks.updateParameters": "operator",
  "blocks.removeInstance": "operator",
  "blocks.scale": "operator",
  "blocks.setComponent": "operator",
  "blocks.remove": "operator",
  "vdags.list": "viewer",
  "vdags.get": "viewer",
  "vdags.search": "viewer",
  "vdags.remove": "operator",
  "vdags.plan": "viewer",
  "vdags.controllers": "viewer",
  "vdags.onStatus": "viewer",
  "vdags.masterDag": "viewer",
  "vdags.task": "viewer",
  "vdags.tasks": "viewer",
  "vdags.metrics": "viewer",
  "vdags.healthCheck": "operator",
  "vdags.qualitySamples": "viewer",
  "quality.auditItems": "viewer",
  "quality.auditItem": "viewer",
  // The reviewers: operators (a verdict changes state, and is audited).
  "quality.recordVerdict": "operator",
  "quality.deliveries": "viewer",
  "quality.webhookSecret": "admin",
  "quality.rotateWebhookSecret": "admin",
  "vdags.quota": "viewer",
  "vdags.quotaReset": "operator",
  "vdags.metricSeries": "viewer",
  "vdags.mgmt": "operator",
  "policies.list": "viewer",
  "policies.get": "viewer",
  "policies.search": "viewer",
  "policies.source": "viewer",
  "policies.versions": "viewer",
  "policies.create": "operator",
  "policies.createVersion": "operator",
  "policies.execute": "operator",
  "policies.dryRun": "operator",
  "policies.submitJob": "operator",
  "policies.getJob": "viewer",
  "policies.jobs": "viewer",
  "executors.list": "viewer",
  "executors.get": "viewer",
  "executors.register": "operator",
  "executors.heartbeat": "operator",
  "executors.remove": "operator",
  "functions.deploy": "operator",
  "functions.get": "viewer",
  "functions.search": "viewer",
  "functions.list": "viewer",
  "functions.scale": "operator",
  "functions.setAutoscaling": "operator",
  "functions.remove": "operator",
  "functions.invoke": "operator",
  "functions.management": "operator",
  "graphs.create": "operator",
  "graphs.get": "viewer",
  "graphs.search": "viewer",
  "graphs.list": "viewer",
  "graphs.execute": "operator",
  "policyJobs.list": "viewer",
  "policyJobs.get": "viewer",
  "policyJobs.search": "viewer",
  "instances.list": "viewer",
  "instances.get": "viewer",
  "instances.search": "viewer",
  "gpus.list": "viewer",
  "gpus.get": "viewer",
  "gpus.search": "viewer",
  "vdagControllers.list": "viewer",
  "vdagControllers.get": "viewer",
  "vdagControllers.search": "viewer",
  "tasks.list": "viewer",
  "tasks.get": "viewer",
  "tasks.search": "viewer",
  "auditEvents.list": "admin",
  "auditEvents.get": "admin",
  "auditEvents.search": "admin",
  "containerRegistries.list": "viewer",
  "containerRegistries.get": "viewer",
  "containerRegistries.search": "viewer",
  "containerRegistries.create": "admin",
  "containerRegistries.update": "admin",
  "containerRegistries.remove": "admin",
  "tokens.list": "admin",
  "tokens.get": "admin",
  "tokens.search": "admin",
  "tokens.create": "admin",
  "tokens.revoke": "admin",
  "auth.whoami": "public",
  "agents.join": "join",
  "agents.register": "agent-own-cluster",
  "agents.heartbeat": "agent-own-cluster",
  "agents.work.policyJob": "agent-own-cluster",
  "agents.work.reportPolicyJob": "agent-own-cluster",
  "agents.work.assetFetchToken": "agent-own-cluster",
  "agents.work.metricsKey": "agent-own-cluster",
  "agents.work.clusterStability": "agent-own-cluster",
  "agents.work.rollTurn": "agent-own-cluster",
  "agents.work.reportClusterStability": "agent-own-cluster",
  "agents.work.blockEventPolicy": "agent-own-cluster",
  "agents.work.blockEventOutcome": "agent-own-cluster",
  "agents.work.desiredFunctions": "agent-own-cluster",
  "agents.work.desiredFunction": "agent-own-cluster",
  "agents.work.reportFunction": "agent-own-cluster",
  "agents.work.autoscaleFunction": "agent-own-cluster",
  "agents.work.metricsQuery": "agent-own-cluster",
  "agents.work.clusterDuty": "agent-own-cluster",
  "agents.work.releaseClusterDuty": "agent-own-cluster",
  "agents.work.desiredBlocks": "agent-own-cluster",
  "agents.work.desiredBlock": "agent-own-cluster",
  "agents.work.reportBlock": "agent-own-cluster",
  "agents.work.autoscaled": "agent-own-cluster",
  "agents.work.reportMetrics": "agent-own-cluster",
  "agents.work.reportInitStage": "agent-own-cluster",
  "agents.work.desiredVdagControllers": "agent-own-cluster",
  "agents.work.desiredVdagController": "agent-own-cluster",
  "agents.work.reportVdagController": "agent-own-cluster",
  "agents.work.reportQualitySamples": "agent-own-cluster",
  "agents.work.vdagQuotaState": "agent-own-cluster",
  "agents.work.reportVdagQuota": "agent-own-cluster",
  "agents.work.reportVdagMetrics": "agent-own-cluster",
};

/** Who calls in the matrix: each role, an agent of the cluster concerned or of another, no token. */
export const MATRIX_CALLERS = [
  "none",
  "viewer",
  "operator",
  "admin",
  "agent-this-cluster",
  "agent-other-cluster",
  "data",
  "join",
] as const;
export type MatrixCaller = (typeof MATRIX_CALLERS)[number];

/** What a caller gets from a procedure under its rule: let through, 401 (no token) or 403. */
export type MatrixOutcome = "allowed" | "UNAUTHORIZED" | "FORBIDDEN";

const RANKED = { viewer: 1, operator: 2, admin: 3 } as const;

/** The outcome the matrix promises for `caller` on a procedure whose rule is `rule`. */
export function expectedOutcome(rule: ProcedureRule, caller: MatrixCaller): MatrixOutcome {
  if (rule === "public") return "allowed";
  // The credential is the join token in the input, whoever sends it; the matrix's calls carry an
  // invalid one, refused for every caller.
  if (rule === "join") return "FORBIDDEN";
  if (caller === "none") return "UNAUTHORIZED";
  switch (rule) {
    case "viewer":
    case "operator":
    case "admin": {
      const rank = RANKED[caller as keyof typeof RANKED];
      return rank !== undefined && rank >= RANKED[rule] ? "allowed" : "FORBIDDEN";
    }
    case "agent-own-cluster":
      return caller === "agent-this-cluster" || caller === "admin" ? "allowed" : "FORBIDDEN";
  }
}

/**
 * A runtime route's rule: `control` only with the workload's control token (the agent holds it),
 * else 401 naming the route; `workload-data` only with the workload's data token, the caller's
 * workload identity (an instance's `/infer` takes its block's executor; an executor's `/infer` the
 * API's data plane and vDAG controllers; a vDAG controller's `/v1/infer`, task and quota reads and a
 * function replica's `/invoke` the API; the agent hands the token to those callers alone), else 401
 * naming the route; `probe` health checks, status and metrics for load balancers and scrapers.
 */
export type RuntimeRouteRule = "control" | "workload-data" | "probe";

/** Every route of every runtime's route table (`"<METHOD> /path"`), with its rule. */
export const RUNTIME_ROUTE_RULES: Readonly<Record<string, Readonly<Record<string, RuntimeRouteRule>>>> = {
  /** `@aios/instance-sdk` INSTANCE_ROUTES: a block's instance. */
  instance: {
    "POST /infer": "workload-data",
    "GET /health": "probe",
    "POST /mgmt": "control",
    "POST /setParameters": "control",
    "GET /events": "control",
    "GET /metrics": "probe",
  },
  /** `@aios/block-runtime` EXECUTOR_ROUTES: a block's executor. */
  executor: {
    "POST /infer": "workload-data",
    "GET /health": "probe",
    "GET /status": "probe",
    "GET /metrics": "probe",
    "GET /desired": "control",
    "GET /instances": "control",
    "PUT /instances": "control",
    "POST /mgmt/:service": "control",
  },
  /** `@aios/vdag-runtime` CONTROLLER_ROUTES: a vDAG's controller. */
  vdagController: {
    "POST /v1/infer": "workload-data",
    "GET /v1/tasks/:taskId": "workload-data",
    "GET /status": "probe",
    "GET /metrics": "probe",
    "GET /healthz": "probe",
    "GET /health": "probe",
    "GET /health/check": "control",
    "POST /health/mgmt": "control",
    "POST /quality/mgmt": "control",
    "GET /quality/samples": "control",
    "GET /config": "control",
    "PUT /config": "control",
    "POST /quota/mgmt": "control",
    "GET /quota/exists/:session": "workload-data",
    "POST /quota/reset/:session": "control",
    "GET /quota/:session": "workload-data",
    "DELETE /quota/:session": "control",
    "POST /quota/changes": "control",
    "PUT /quota/state": "control",
  },
  /** `apps/agents` REPLICA_ROUTES: a replica of a policy function. */
  functionReplica: {
    "GET /health": "probe",
    "POST /invoke": "workload-data",
    "POST /management": "control",
    "GET /load": "control",
  },
};

/**
 * A route of the API's data plane (`apps/api/src/data-plane/routes.ts`): `data` an operator, an
 * admin or a data key whose scopes name the block or vDAG; `operator` an operator or admin (a blob
 * upload); `viewer-or-agent` a viewer or higher, or any cluster's agent (a blob download: agents
 * fetch components' code by digest), and a data key scoped to that blob alone (`asset:<sha256>`,
 * which the matrix's data caller, scoped to blocks, is not); `probe` anyone, with or without a
 * token (the Open Inference Protocol's server health and metadata, for load balancers and clients'
 * checks: they tell nothing of the models; Prometheus's scrape of `/metrics`, counts by route, status
 * and policy kind); `metrics-reader` a viewer or higher, the cluster's own agent, or a data key
 * scoped to that cluster's metrics (`metrics:<clusterId>`, which the matrix's data caller is not).
 * Without a token 401, anyone else 403 naming the role.
 */
export type DataPlaneRouteRule = "data" | "operator" | "viewer-or-agent" | "metrics-reader" | "probe";

/** Every route of the data plane's table, with its rule. */
export const DATA_PLANE_ROUTE_RULES: Readonly<Record<string, DataPlaneRouteRule>> = {
  "POST /v1/blocks/:blockId/infer": "data",
  "POST /v1/vdags/:vdagURI/infer": "data",
  "GET /v1/tasks/:taskId": "data",
  "PUT /v1/assets/blobs/:sha256": "operator",
  "HEAD /v1/assets/blobs/:sha256": "viewer-or-agent",
  "GET /v1/assets/blobs/:sha256": "viewer-or-agent",
  "POST /v1/clusters/:clusterId/metrics/query": "metrics-reader",
  "GET /v2/health/live": "probe",
  "GET /v2/health/ready": "probe",
  "GET /v2": "probe",
  "GET /v2/models/:modelName": "data",
  "GET /v2/models/:modelName/versions/:modelVersion": "data",
  "GET /v2/models/:modelName/ready": "data",
  "GET /v2/models/:modelName/versions/:modelVersion/ready": "data",
  "POST /v2/models/:modelName/infer": "data",
  "POST /v2/models/:modelName/versions/:modelVersion/infer": "data",
  "GET /openapi.json": "probe",
  "GET /metrics": "probe",
};

/** The outcome the matrix promises `caller` on a data-plane route (a data key calling within its scopes). */
export function expectedDataPlaneOutcome(rule: DataPlaneRouteRule, caller: MatrixCaller): MatrixOutcome {
  if (rule === "probe") return "allowed";
  if (caller === "none") return "UNAUTHORIZED";
  const allowed: Record<Exclude<DataPlaneRouteRule, "probe">, readonly MatrixCaller[]> = {
    data: ["operator", "admin", "data"],
    operator: ["operator", "admin"],
    "viewer-or-agent": ["viewer", "operator", "admin", "agent-this-cluster", "agent-other-cluster"],
    "metrics-reader": ["viewer", "operator", "admin", "agent-this-cluster"],
  };
  return allowed[rule].includes(caller) ? "allowed" : "FORBIDDEN";
}
