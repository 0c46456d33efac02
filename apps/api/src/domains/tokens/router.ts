import { ZApiTokenRecord } from "@aios/contracts";
import { adminProcedure, router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/** API tokens, admins only; a token's secret and its hash are never returned nor filterable. */
export const tokensRouter = router({
  ...rowReadProcedures({
    record: ZApiTokenRecord,
    key: "id",
    reader: (s) => s.registries.apiTokens,
    procedure: adminProcedure,
  }),
});
