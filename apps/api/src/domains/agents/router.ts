import { ZAgentJoined, ZAgentJoinRequest } from "@aios/contracts";
import { z } from "zod";
import { agentProcedure, publicProcedure, router } from "../../trpc";
import { ZAgentHeartbeat, ZAgentRegistered, ZAgentRegistration } from "./agent.types";
import { agentWorkRouter } from "./agent-work.router";

export const agentsRouter = router({
  /**
   * A new agent exchanges its cluster's join token, once, for an agent token of its own (scoped to
   * that cluster, and node when named). Public: the join token in the input is the credential.
   */
  join: publicProcedure
    .input(ZAgentJoinRequest)
    .output(ZAgentJoined)
    .mutation(({ ctx, input }) => ctx.services.joinTokens.exchange(input.joinToken, input.nodeId)),
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
