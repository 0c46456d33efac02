/**
 * One cluster's placements go one at a time: a transaction-scoped advisory lock keyed by the
 * cluster, not the cluster's row (which heartbeats update: they never wait for a placement).
 * Taken after the block's row lock, in every path. `clusterId` is an SQL expression.
 */
export const PLACEMENT_LOCK = (clusterId: string) =>
  `pg_advisory_xact_lock(hashtextextended('aios.placement:' || ${clusterId}, 0))::text`;
