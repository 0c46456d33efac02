import { agentsRouter } from "./domains/agents/router";
import { blocksRouter } from "./domains/blocks/router";
import { clustersRouter } from "./domains/clusters/router";
import { componentsRouter } from "./domains/components/router";
import { functionsRouter } from "./domains/functions/router";
import { graphsRouter } from "./domains/graphs/router";
import { healthRouter } from "./domains/health/router";
import { nodesRouter } from "./domains/nodes/router";
import { parserRouter } from "./domains/parser/router";
import { policiesRouter } from "./domains/policies/router";
import { vdagsRouter } from "./domains/vdags/router";
import { router } from "./trpc";

export const appRouter = router({
  health: healthRouter,
  parser: parserRouter,
  clusters: clustersRouter,
  nodes: nodesRouter,
  components: componentsRouter,
  blocks: blocksRouter,
  vdags: vdagsRouter,
  policies: policiesRouter,
  functions: functionsRouter,
  graphs: graphsRouter,
  agents: agentsRouter,
});

export type AppRouter = typeof appRouter;
