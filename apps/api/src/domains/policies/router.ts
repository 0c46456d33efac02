import { ZPolicyKind, ZPolicyRecord } from "@aios/spec";
import { z } from "zod";
import { router, viewerProcedure } from "../../trpc";
import { readProcedures, ZPage } from "../registry/procedures";

export const policiesRouter = router({
  list: viewerProcedure
    .input(ZPage.extend({ kind: ZPolicyKind.optional() }).optional())
    .output(z.array(ZPolicyRecord))
    .query(({ ctx, input }) => ctx.services.policies.list(input)),
  ...readProcedures({ record: ZPolicyRecord, key: "policyRuleURI", reader: (s) => s.policies }),
});
