import { scopeGrants } from "@aios/contracts";
import { hasRole, type Principal } from "../auth/principal";
import { ForbiddenError } from "../errors";

/** What a data-plane request reaches: a block (by id) or a vDAG (by URI). */
export interface DataTarget {
  kind: "block" | "vdag";
  id: string;
}

/**
 * Who may use the data plane: an operator or admin, or a `data` key whose scopes grant the target.
 * Viewer, agent and join tokens are refused naming the role; a data key out of its scopes is
 * refused naming the scope it lacks. `route` is the route as its table declares it.
 */
export function assertDataAccess(principal: Principal, route: string, target?: DataTarget): void {
  if (hasRole(principal, "operator")) return;
  if (principal.role !== "data") {
    throw new ForbiddenError(
      `${route} needs role operator (or a data key in scope); this token has ${principal.role}`,
    );
  }
  if (!target) return;
  const scopes = principal.scopes ?? [];
  if (scopes.some((scope) => scopeGrants(scope, target.kind, target.id))) return;
  throw new ForbiddenError(
    `${route}: this data key lacks the scope ${target.kind}:${target.id} (its scopes: ${scopes.join(", ") || "none"})`,
  );
}

/**
 * Who may use the assets registry's blobs: to `write` (upload) an operator or an admin; to `read`
 * blob `sha256` a viewer or higher, an agent (agents fetch components' code by digest), or a data
 * key with the scope `asset:<sha256>` (what a pod fetching a component's code holds). Other data
 * keys and join tokens are refused naming the role.
 */
export function assertAssetAccess(
  principal: Principal,
  route: string,
  access: "read" | "write",
  sha256?: string,
): void {
  if (access === "write") {
    if (hasRole(principal, "operator")) return;
    throw new ForbiddenError(`${route} needs role operator; this token has ${principal.role}`);
  }
  if (hasRole(principal, "viewer") || principal.role === "agent") return;
  if (principal.role === "data" && sha256 !== undefined) {
    if ((principal.scopes ?? []).some((scope) => scopeGrants(scope, "asset", sha256))) return;
    throw new ForbiddenError(
      `${route} needs role viewer, an agent token or a data key with the scope asset:${sha256}; this data key has ${(principal.scopes ?? []).join(", ") || "no scopes"}`,
    );
  }
  throw new ForbiddenError(
    `${route} needs role viewer (or an agent token); this token has ${principal.role}`,
  );
}

/**
 * Who may read cluster `clusterId`'s metrics on the data plane: a viewer or higher, that cluster's
 * agent, or a data key with the scope `metrics:<clusterId>` (what a block executor's autoscaler
 * and a policy job's pod hold for `ctx.query`). Another cluster's agent, other data keys and join
 * tokens are refused naming what they lack.
 */
export function assertMetricsAccess(principal: Principal, route: string, clusterId: string): void {
  if (hasRole(principal, "viewer")) return;
  if (principal.role === "agent") {
    if (principal.scope === clusterId) return;
    throw new ForbiddenError(`${route}: this agent belongs to cluster ${principal.scope}, not ${clusterId}`);
  }
  if (principal.role === "data") {
    if ((principal.scopes ?? []).some((scope) => scopeGrants(scope, "metrics", clusterId))) return;
    throw new ForbiddenError(
      `${route} needs a data key with the scope metrics:${clusterId}; this data key has ${(principal.scopes ?? []).join(", ") || "no scopes"}`,
    );
  }
  throw new ForbiddenError(
    `${route} needs role viewer (or an agent token); this token has ${principal.role}`,
  );
}
