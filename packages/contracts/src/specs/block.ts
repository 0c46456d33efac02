import { z } from "zod";
import { ZDnsLabel } from "../ids";
import { ZComponentUri } from "../uri";
import { ZJsonObject, ZNonEmptyName, ZPolicyRuleRef } from "./common";

export const BLOCK_MODES = ["dry_run", "select_clusters", "allocate"] as const;
export const ZBlockMode = z.enum(BLOCK_MODES);
export type TBlockMode = z.infer<typeof ZBlockMode>;

/** `policyRulesSpec[i]`: replaces or adds the component's policy of the same `name`. */
export const ZBlockPolicyRuleSpec = z.looseObject({
  values: ZPolicyRuleRef.extend({ name: ZNonEmptyName }),
});

const ZInstanceCounts = { minInstances: z.number().int().min(0), maxInstances: z.number().int().min(1) };
const ZBlockCounts = z.object(ZInstanceCounts);

/** `createBlock` values (reference §2.3). */
export const ZBlockSpec = z
  .looseObject({
    blockComponentURI: ZComponentUri,
    /** User-chosen id; otherwise the API generates `blk-xxxxxxxx`. */
    blockId: ZDnsLabel.optional(),
    ...ZInstanceCounts,
    /** Default to the component's componentInitData / componentInitSettings / componentParameters. */
    blockInitData: ZJsonObject.optional(),
    initSettings: ZJsonObject.optional(),
    parameters: ZJsonObject.optional(),
    policyRulesSpec: z.array(ZBlockPolicyRuleSpec).optional(),
    // The original defaulted to dry_run, so a plain "createBlock" silently created nothing.
    // Here a create creates; dry runs are asked for explicitly.
    mode: ZBlockMode.default("allocate"),
    /** Beyond the original: place the block on this cluster instead of asking the allocator. */
    clusterId: ZDnsLabel.optional(),
  })
  .superRefine((spec, ctx) => {
    // Refinements also run when a check failed (e.g. maxInstances: 0); only compare valid counts.
    const countsValid = ZBlockCounts.safeParse(spec).success;
    if (countsValid && spec.minInstances > spec.maxInstances) {
      ctx.addIssue({
        code: "custom",
        path: ["maxInstances"],
        message: `must be >= minInstances (${spec.minInstances}), got ${spec.maxInstances}`,
      });
    }
    const seen = new Map<string, number>();
    spec.policyRulesSpec?.forEach((rule, i) => {
      const first = seen.get(rule.values.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["policyRulesSpec", i, "values", "name"],
          message: `duplicate policy name ${JSON.stringify(rule.values.name)} (also policyRulesSpec[${first}])`,
        });
      } else seen.set(rule.values.name, i);
    });
  });
export type TBlockSpec = z.infer<typeof ZBlockSpec>;
