import type { Db, Prisma } from "@aios/db";
import { ForbiddenError, NotFoundError } from "../../errors";
import type { TokenService } from "../tokens/token.service";

/** Who holds a metrics key: a policy job run as a Job of the cluster, or a block's executor. */
export type MetricsKeyHolder = { kind: "policy-job"; id: string } | { kind: "block-executor"; id: string };

/** The one scope of a metrics key: reading cluster `clusterId`'s metrics (`POST /v1/clusters/<id>/metrics/query`). */
export const metricsScopeOf = (clusterId: string) => `metrics:${clusterId}`;

/** A policy job's key outlives the longest job (5 min) with room for its queue wait. */
const POLICY_JOB_KEY_MS = 15 * 60_000;

/** The key's name: who holds it, the same on every issue, so a new one replaces the last. */
const nameOf = (holder: MetricsKeyHolder) => `metrics key of ${holder.kind} ${holder.id}`;

/** Revokes the unrevoked metrics keys of `holder` (in a transaction of the caller's when given). */
export async function revokeMetricsKeysOf(tx: Prisma.TransactionClient | Db, holder: MetricsKeyHolder) {
  await tx.apiToken.updateMany({
    where: { role: "data", name: nameOf(holder), scope: { not: null }, revokedAt: null },
    data: { revokedAt: new Date() },
  });
}

/**
 * Keys that read one cluster's metrics and nothing else, for code of the platform that runs
 * without an API token of its own and whose policy may call `ctx.query`: a block's executor (its
 * autoscaler) and a policy job run as a Kubernetes Job. A metrics key is a data key bound to the
 * cluster (its `scope`) whose one scope is `metrics:<clusterId>`; it invokes nothing. Issued to the
 * cluster's agent for a holder of its own cluster; a new key of a holder revokes its earlier
 * ones. A policy job's key expires after POLICY_JOB_KEY_MS and is revoked when the job reports;
 * an executor's lives until the block is removed (`revokeMetricsKeysOf` then) or its executor
 * starts again.
 */
export function createMetricsKeys(db: Db, tokens: Pick<TokenService, "issue">) {
  async function clusterOf(holder: MetricsKeyHolder): Promise<string | null | undefined> {
    if (holder.kind === "policy-job") {
      const job = await db.policyJob.findUnique({ where: { id: holder.id }, select: { clusterId: true } });
      return job ? job.clusterId : undefined;
    }
    const block = await db.block.findUnique({
      where: { id: holder.id },
      select: { clusterId: true, status: true },
    });
    return block && block.status !== "removed" ? block.clusterId : undefined;
  }

  return {
    /** A new key for `holder`, issued to `clusterId`'s agent: 404 for an unknown holder, 403 for another cluster's. */
    async issue(clusterId: string, holder: MetricsKeyHolder): Promise<{ token: string; tokenId: string }> {
      const owner = await clusterOf(holder);
      if (owner === undefined)
        throw new NotFoundError(
          holder.kind === "policy-job" ? "policy job" : "block",
          holder.id,
          "holder.id",
        );
      if (owner !== clusterId)
        throw new ForbiddenError(`holder.id: ${holder.kind} ${holder.id} is not of cluster ${clusterId}`);
      await revokeMetricsKeysOf(db, holder);
      const issued = await tokens.issue({
        name: nameOf(holder),
        role: "data",
        scope: clusterId,
        scopes: [metricsScopeOf(clusterId)],
        expiresAt: holder.kind === "policy-job" ? new Date(Date.now() + POLICY_JOB_KEY_MS) : null,
      });
      return { token: issued.token, tokenId: issued.id };
    },
    revoke: (holder: MetricsKeyHolder) => revokeMetricsKeysOf(db, holder),
  };
}
