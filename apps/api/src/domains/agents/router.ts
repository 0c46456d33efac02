import { z } from "zod";
import { agentProcedure, router } from "../../trpc";
import { ZAgentHeartbeat, ZAgentRegistered, ZAgentRegistration } from "./agent.types";
import { agentWorkRouter } from "./agent-work.router";

export const agentsRouter = router({
  register: agentProcedure
    .input(ZAgentRegistration)
    .output(ZAgentRegistered)
    .mutation(({ ctx, input }) => ctx.services.agents.register(input, ctx.principal)),
  heartbeat: agentProcedure
    .input(ZAgentHeartbeat)
    .output(z.object({ known: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.services.agents.heartbeat(input, ctx.principal)),
  work: agentWorkRouter,
});
