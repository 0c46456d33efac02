import { agentsRouter } from "./domains/agents/router";
import { allocatorRouter } from "./domains/allocator/router";
import { assetsRouter } from "./domains/assets/router";
import { auditEventsRouter } from "./domains/audit/router";
import { authRouter } from "./domains/auth/router";
import { instancesRouter } from "./domains/blocks/instances.router";
import { blocksRouter } from "./domains/blocks/router";
import { clustersRouter } from "./domains/clusters/router";
import { componentsRouter } from "./domains/components/router";
import { containerRegistriesRouter } from "./domains/container-registries/router";
import { executorsRouter } from "./domains/executors/router";
import { functionsRouter } from "./domains/functions/router";
import { gatewayRouter } from "./domains/gateway/router";
import { healthRouter } from "./domains/health/router";
import { metricsRouter } from "./domains/metrics/router";
import { gpusRouter } from "./domains/nodes/gpus.router";
import { nodesRouter } from "./domains/nodes/router";
import { overviewRouter } from "./domains/overview/router";
import { parserRouter } from "./domains/parser/router";
import { policyJobsRouter } from "./domains/policies/policy-jobs.router";
import { policiesRouter } from "./domains/policies/router";
import { graphsRouter } from "./domains/policy-graphs/router";
import { qualityRouter } from "./domains/quality/router";
import { specsRouter } from "./domains/specs/router";
import { tokensRouter } from "./domains/tokens/router";
import { vdagsRouter } from "./domains/vdags/router";
import { tasksRouter } from "./domains/vdags/tasks.router";
import { vdagControllersRouter } from "./domains/vdags/vdag-controllers.router";
import { router } from "./trpc";

export const appRouter = router({
  health: healthRouter,
  overview: overviewRouter,
  parser: parserRouter,
  specs: specsRouter,
  clusters: clustersRouter,
  nodes: nodesRouter,
  metrics: metricsRouter,
  gateway: gatewayRouter,
  allocator: allocatorRouter,
  components: componentsRouter,
  assets: assetsRouter,
  containerRegistries: containerRegistriesRouter,
  blocks: blocksRouter,
  vdags: vdagsRouter,
  quality: qualityRouter,
  policies: policiesRouter,
  executors: executorsRouter,
  functions: functionsRouter,
  graphs: graphsRouter,
  policyJobs: policyJobsRouter,
  instances: instancesRouter,
  gpus: gpusRouter,
  vdagControllers: vdagControllersRouter,
  tasks: tasksRouter,
  auditEvents: auditEventsRouter,
  tokens: tokensRouter,
  auth: authRouter,
  agents: agentsRouter,
});

export type AppRouter = typeof appRouter;
