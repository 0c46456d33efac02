import { asObject, asString } from "../doc";
import { formatAgo } from "../format";

/**
 * Why a node was marked lost and whether it came back, as the API's liveness sweep keeps it in the
 * node's `doc.liveness` (`{status: "lost"|"returned", lostAt, lastSeenAt, reason, returnedAt?}`).
 */
export interface NodeLiveness {
  status: "lost" | "returned";
  lostAt: string | null;
  lastSeenAt: string | null;
  reason: string | null;
  returnedAt: string | null;
}

/**
 * The node's liveness mark, or null when it has none (never lost) or it is not readable. A node
 * marked lost whose status is no longer `lost` heartbeats again before the API's sweep noted its
 * return: it is shown as returned (time not known yet).
 */
export function readLiveness(doc: unknown, nodeStatus: string): NodeLiveness | null {
  const l = asObject(asObject(doc)?.liveness);
  const marked = l?.status;
  if (!l || (marked !== "lost" && marked !== "returned")) return null;
  return {
    status: marked === "lost" && nodeStatus !== "lost" ? "returned" : marked,
    lostAt: asString(l.lostAt) ?? null,
    lastSeenAt: asString(l.lastSeenAt) ?? null,
    reason: asString(l.reason) ?? null,
    returnedAt: asString(l.returnedAt) ?? null,
  };
}

/** One sentence for the node panel: why it was lost and since when, or when it came back. */
export function livenessText(l: NodeLiveness, now: number): string {
  const why = l.reason ? `: ${l.reason}` : "";
  const lost = `lost ${l.lostAt ? formatAgo(l.lostAt, now) : "(time unknown)"}${why}`;
  const seen = l.lastSeenAt ? ` Last heartbeat ${formatAgo(l.lastSeenAt, now)}.` : "";
  if (l.status === "lost")
    return `Node ${lost}.${seen} Its work was placed again on the cluster's live nodes.`;
  const back = l.returnedAt ? `Returned ${formatAgo(l.returnedAt, now)}` : "Heartbeating again";
  return `${back}; it had been ${lost}. What was placed again while it was away stays there; its agent stops what is no longer its own.`;
}
