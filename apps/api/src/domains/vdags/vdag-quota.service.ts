import type { TVdagQuotaChanges, TVdagQuotaState } from "@aios/contracts";
import type { Db } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";

/**
 * A vDAG's quota kept for its controllers across restarts: its agent pushes what changed about
 * every second (`record`) and hands what is stored to a controller it starts (`state`). Every write
 * carries the controller's version; an older one than stored is ignored, so a push drained before
 * a reset never brings the old count back.
 */
export function createVdagQuotaStore(db: Db) {
  const controllerOf = async (controllerId: string, scope: string | null) => {
    const c = await db.vdagController.findUnique({
      where: { id: controllerId },
      select: { vdagURI: true, clusterId: true },
    });
    if (!c) throw new NotFoundError("vDAG controller", controllerId);
    assertClusterScope(scope, c.clusterId, `controller ${controllerId}`);
    return c.vdagURI;
  };

  return {
    /** What a controller of this vDAG continues from: counts, total, the quota policy's saved state. */
    async state(controllerId: string, scope: string | null): Promise<TVdagQuotaState> {
      const vdagURI = await controllerOf(controllerId, scope);
      const [quota, counts] = await Promise.all([
        db.vdagQuota.findUnique({ where: { vdagURI } }),
        db.vdagQuotaCount.findMany({
          where: { vdagURI },
          select: { sessionId: true, count: true, version: true },
        }),
      ]);
      let version = quota?.version ?? 0n;
      for (const c of counts) if (c.version > version) version = c.version;
      return {
        version: Number(version),
        total: quota?.total ?? 0,
        sessions: Object.fromEntries(counts.map((c) => [c.sessionId, c.count])),
        policy:
          quota?.policyKey && quota.policyState !== null
            ? { key: quota.policyKey, state: quota.policyState }
            : null,
      };
    },

    /** Stores what a controller drained (newer than what is stored only). */
    async record(controllerId: string, changes: TVdagQuotaChanges, scope: string | null) {
      const vdagURI = await controllerOf(controllerId, scope);
      const version = BigInt(changes.version);
      const kept = changes.sessions.filter((s) => s.count !== null);
      const gone = changes.sessions.filter((s) => s.count === null).map((s) => s.sessionId);
      const policyKey = changes.policy?.key ?? null;
      const policyState = changes.policy ? JSON.stringify(changes.policy.state ?? null) : null;
      await db.$transaction([
        db.$executeRaw`
          INSERT INTO vdag_quotas (vdag_uri, total, version, policy_key, policy_state, updated_at)
          VALUES (${vdagURI}, ${changes.total}, ${version}, ${policyKey}, ${policyState}::jsonb, now())
          ON CONFLICT (vdag_uri) DO UPDATE SET
            total = EXCLUDED.total,
            version = EXCLUDED.version,
            policy_key = COALESCE(EXCLUDED.policy_key, vdag_quotas.policy_key),
            policy_state = CASE WHEN EXCLUDED.policy_key IS NULL THEN vdag_quotas.policy_state
                                ELSE EXCLUDED.policy_state END,
            updated_at = now()
          WHERE vdag_quotas.version < EXCLUDED.version`,
        db.$executeRaw`
          INSERT INTO vdag_quota_counts (vdag_uri, session_id, count, version, updated_at)
          SELECT ${vdagURI}, s.session_id, s.count, ${version}, now()
          FROM unnest(${kept.map((s) => s.sessionId)}::text[], ${kept.map((s) => s.count as number)}::int[])
            AS s(session_id, count)
          ON CONFLICT (vdag_uri, session_id) DO UPDATE SET
            count = EXCLUDED.count, version = EXCLUDED.version, updated_at = now()
          WHERE vdag_quota_counts.version < EXCLUDED.version`,
        db.$executeRaw`
          DELETE FROM vdag_quota_counts
          WHERE vdag_uri = ${vdagURI} AND session_id = ANY(${gone}::text[]) AND version < ${version}`,
      ]);
      return { stored: changes.sessions.length };
    },

    /**
     * A session's stored count back to 0 once its controller reset it (`version`: the reset's, from
     * the controller; without one, as of now over anything stored).
     */
    async reset(vdagURI: string, sessionId: string, version: number | undefined) {
      const v = version === undefined ? null : BigInt(version);
      await db.$executeRaw`
        UPDATE vdag_quota_counts SET count = 0, version = COALESCE(${v}::bigint, version), updated_at = now()
        WHERE vdag_uri = ${vdagURI} AND session_id = ${sessionId}
          AND (${v}::bigint IS NULL OR version < ${v}::bigint)`;
    },
  };
}

export type VdagQuotaStore = ReturnType<typeof createVdagQuotaStore>;
