import { ZApiTokenIssued, ZApiTokenRecord, ZTokenCreateRequest } from "@aios/contracts";
import { z } from "zod";
import { adminChangeProcedure, adminProcedure, router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/** API tokens, admins only; a token's secret is answered once (by `create`), its hash never. */
export const tokensRouter = router({
  ...rowReadProcedures({
    record: ZApiTokenRecord,
    key: "id",
    reader: (s) => s.registries.apiTokens,
    procedure: adminProcedure,
  }),
  /** A viewer, operator, admin or data token (a data token names at least one scope). */
  create: adminChangeProcedure
    .input(ZTokenCreateRequest)
    .output(ZApiTokenIssued)
    .mutation(({ ctx, input }) => ctx.services.tokens.create(input)),
  /** Revokes a token: refused from the next request on; revoking a revoked token changes nothing. */
  revoke: adminChangeProcedure
    .input(z.object({ id: z.string().min(1).max(200) }))
    .output(ZApiTokenRecord)
    .mutation(({ ctx, input }) => ctx.services.tokens.revoke(input.id)),
});
