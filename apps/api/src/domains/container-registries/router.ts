import {
  ZContainerRegistryCreate,
  ZContainerRegistryId,
  ZContainerRegistryRecord,
  ZContainerRegistryUpdate,
} from "@aios/contracts";
import { z } from "zod";
import { adminChangeProcedure, router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/**
 * Container registries (the original's `/container_registry`): viewers read them, never their
 * passwords; admins add, change and remove them (credentials are the network's secrets).
 */
export const containerRegistriesRouter = router({
  ...rowReadProcedures({
    record: ZContainerRegistryRecord,
    key: "containerRegistryId",
    reader: (s) => s.containerRegistries,
  }),
  create: adminChangeProcedure
    .input(ZContainerRegistryCreate)
    .output(z.object({ created: z.boolean(), containerRegistry: ZContainerRegistryRecord }))
    .mutation(({ ctx, input }) =>
      ctx.services.containerRegistries.create(input, ctx.principal?.tokenId ?? null),
    ),
  update: adminChangeProcedure
    .input(ZContainerRegistryUpdate)
    .output(ZContainerRegistryRecord)
    .mutation(({ ctx, input }) => ctx.services.containerRegistries.update(input)),
  /** Refused while a component names the registry. */
  remove: adminChangeProcedure
    .input(z.object({ containerRegistryId: ZContainerRegistryId }))
    .output(z.object({ removed: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.services.containerRegistries.remove(input.containerRegistryId)),
});
