import { fieldIssues, PRE_CHECK_ACTIONS, type TPreCheckAction, ZPreCheckInput } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { NotFoundError, UserError } from "../../errors";
import { asObject } from "../registry/doc";
import type { PreCheckDecision, PreCheckService } from "./pre-check.service";

export interface SetPreCheckPolicy {
  action: string;
  /** "" removes the entry. */
  policyRuleURI: string;
  /** Set it in this cluster's `config.actionsPolicyMap` instead of the network's map. */
  clusterId?: string | undefined;
}

const isAction = (a: string): a is TPreCheckAction => (PRE_CHECK_ACTIONS as readonly string[]).includes(a);

function mapOf(doc: unknown): Record<string, string> {
  const map = asObject(asObject(asObject(doc).config).actionsPolicyMap);
  return Object.fromEntries(
    Object.entries(map).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
}

/**
 * The pre-check maps: the network's (a table, one policy per action) and each cluster's
 * (`config.actionsPolicyMap` in its stored document), and dry runs of a decision.
 */
export function createPreCheckPolicies(db: Db, preChecks: PreCheckService) {
  return {
    async list() {
      const network = await db.preCheckPolicy.findMany({ orderBy: { action: "asc" } });
      const clusters = await db.cluster.findMany({ select: { id: true, doc: true }, orderBy: { id: "asc" } });
      return {
        actions: [...PRE_CHECK_ACTIONS],
        network: network.map((r) => ({
          action: r.action,
          policyRuleURI: r.policyRuleURI,
          updatedAt: r.updatedAt.toISOString(),
        })),
        clusters: clusters
          .map((c) => ({ clusterId: c.id, actionsPolicyMap: mapOf(c.doc) }))
          .filter((c) => Object.keys(c.actionsPolicyMap).length > 0),
      };
    },

    async set(req: SetPreCheckPolicy) {
      const { action, policyRuleURI, clusterId } = req;
      if (!isAction(action))
        throw UserError.field("action", `must be one of ${PRE_CHECK_ACTIONS.join(", ")}`);
      if (clusterId !== undefined && action === "add_cluster") {
        throw UserError.field(
          "clusterId",
          "add_cluster is decided by the network's map only: a cluster that is not in yet cannot approve itself",
        );
      }
      if (policyRuleURI !== "") {
        const policy = await db.policy.findUnique({ where: { policyRuleURI }, select: { kind: true } });
        if (!policy) throw new NotFoundError("policy", policyRuleURI, "policyRuleURI");
        if (policy.kind !== "preCheck") {
          throw UserError.field(
            "policyRuleURI",
            `is a ${policy.kind} policy; a pre-check needs a preCheck policy`,
          );
        }
      }
      if (clusterId === undefined) {
        if (policyRuleURI === "") await db.preCheckPolicy.deleteMany({ where: { action } });
        else {
          await db.preCheckPolicy.upsert({
            where: { action },
            create: { action, policyRuleURI },
            update: { policyRuleURI },
          });
        }
        return { action, policyRuleURI: policyRuleURI || null, clusterId: null };
      }
      await db.$transaction(async (tx) => {
        // Locked: other writers of the cluster's document do not lose this change, nor it theirs.
        await tx.$queryRaw`SELECT 1 FROM clusters WHERE id = ${clusterId} FOR UPDATE`;
        const row = await tx.cluster.findUnique({ where: { id: clusterId } });
        if (!row) throw new NotFoundError("cluster", clusterId, "clusterId");
        const doc = asObject(row.doc);
        const config = asObject(doc.config);
        const { [action]: _old, ...rest } = asObject(config.actionsPolicyMap);
        const map = policyRuleURI === "" ? rest : { ...rest, [action]: policyRuleURI };
        await tx.cluster.update({
          where: { id: clusterId },
          data: { doc: { ...doc, config: { ...config, actionsPolicyMap: map } } as Prisma.InputJsonValue },
        });
      });
      return { action, policyRuleURI: policyRuleURI || null, clusterId };
    },

    /** What the action's pre-check would decide for this input, without acting or recording. */
    async dryRun(req: {
      action: string;
      clusterId?: string | undefined;
      input: Record<string, unknown>;
    }): Promise<PreCheckDecision> {
      const { action, clusterId } = req;
      if (!isAction(action))
        throw UserError.field("action", `must be one of ${PRE_CHECK_ACTIONS.join(", ")}`);
      if (req.input.action !== undefined && req.input.action !== action) {
        throw UserError.field("input.action", `is ${JSON.stringify(req.input.action)}, not ${action}`);
      }
      if (clusterId && !(await db.cluster.findUnique({ where: { id: clusterId }, select: { id: true } }))) {
        throw new NotFoundError("cluster", clusterId, "clusterId");
      }
      const parsed = ZPreCheckInput.safeParse({ ...req.input, action });
      if (!parsed.success)
        throw UserError.fromIssues(fieldIssues(parsed.error, "", ["input"]), `the ${action} pre-check input`);
      return preChecks.decide(parsed.data, clusterId);
    },
  };
}

export type PreCheckPolicies = ReturnType<typeof createPreCheckPolicies>;
