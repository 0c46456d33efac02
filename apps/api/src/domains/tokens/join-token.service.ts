import type { TAgentJoined, TApiTokenIssued, TJoinTokenRequest } from "@aios/contracts";
import type { Db } from "@aios/db";
import { hashToken } from "../../auth/token-hash";
import { ForbiddenError } from "../../errors";
import type { AuditService } from "../audit/audit.service";
import { TOKEN_PUBLIC_COLUMNS, toTokenRecord } from "./token.registry";
import { expiryOf, newSecret } from "./token.service";

/** A join token lives an hour unless its issuer says otherwise. */
export const DEFAULT_JOIN_EXPIRES_IN = "1h";

/**
 * Cluster join tokens: an admin issues one for a cluster (`clusters.joinToken`), good for `nodes`
 * agents (1 by default; a Kubernetes cluster's DaemonSet runs one agent per node); each of the
 * cluster's new agents exchanges it once (`agents.join`) for an agent token of its own, scoped to
 * that cluster (and node). The gateway's add_cluster/add_node pre-checks run when that agent
 * registers.
 */
export function createJoinTokenService(db: Db, audit: AuditService) {
  return {
    async issue(input: TJoinTokenRequest): Promise<TApiTokenIssued> {
      const token = newSecret();
      const nodes = input.nodes ?? 1;
      const row = await db.apiToken.create({
        data: {
          name: nodes > 1 ? `join ${input.clusterId} (${nodes} nodes)` : `join ${input.clusterId}`,
          role: "join",
          scope: input.clusterId,
          expiresAt: expiryOf(input.expiresIn ?? DEFAULT_JOIN_EXPIRES_IN, "expiresIn"),
          tokenHash: hashToken(token),
          usesLeft: nodes,
        },
        select: TOKEN_PUBLIC_COLUMNS,
      });
      return { ...toTokenRecord(row), token };
    },

    /**
     * Exchanges a join token for an agent token. One use of the join token is claimed by a guarded
     * UPDATE (unrevoked, unexpired, a join token with a use left) in the transaction that creates
     * the agent token, and the token is revoked with its last use: of concurrent exchanges for its
     * last use exactly one claims it, the others are refused. A node that joins again (its agent's
     * state lost) gets a new agent token, and the ones it had before are revoked.
     */
    async exchange(joinToken: string, nodeId: string | undefined): Promise<TAgentJoined> {
      const tokenHash = hashToken(joinToken);
      const now = new Date();
      const joined = await db.$transaction(async (tx) => {
        const claimed = await tx.apiToken.updateMany({
          where: {
            tokenHash,
            role: "join",
            revokedAt: null,
            usesLeft: { gte: 1 },
            OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
          },
          data: { usesLeft: { decrement: 1 }, lastUsedAt: now },
        });
        if (claimed.count !== 1) return null;
        const join = await tx.apiToken.findUniqueOrThrow({
          where: { tokenHash },
          select: { id: true, scope: true, usesLeft: true },
        });
        if (join.usesLeft === 0)
          await tx.apiToken.update({ where: { id: join.id }, data: { revokedAt: now } });
        const clusterId = join.scope ?? "";
        if (nodeId) {
          await tx.apiToken.updateMany({
            where: { role: "agent", scope: clusterId, scopes: { has: `node:${nodeId}` }, revokedAt: null },
            data: { revokedAt: now },
          });
        }
        const token = newSecret();
        const row = await tx.apiToken.create({
          data: {
            name: nodeId ? `agent ${clusterId}/${nodeId}` : `agent ${clusterId}`,
            role: "agent",
            scope: clusterId,
            scopes: nodeId ? [`node:${nodeId}`] : [],
            tokenHash: hashToken(token),
          },
          select: { id: true },
        });
        return { token, tokenId: row.id, clusterId, nodeId: nodeId ?? null, joinTokenId: join.id };
      });
      if (joined) {
        const { joinTokenId, ...answer } = joined;
        await audit.record(
          { role: "join", scope: answer.clusterId, tokenId: joinTokenId },
          {
            action: "agents.join",
            target: nodeId ? `${answer.clusterId}/${nodeId}` : answer.clusterId,
            input: { nodeId, agentTokenId: answer.tokenId },
          },
        );
        return answer;
      }
      throw new ForbiddenError(await refusalOf(db, tokenHash, now));
    },

    /**
     * Revokes every agent and join token of a cluster (its agents gone: `aios cluster offboard`):
     * none of them reaches the API again. Revoking again changes nothing.
     */
    async revokeCluster(clusterId: string): Promise<{ revoked: number }> {
      const { count } = await db.apiToken.updateMany({
        where: { scope: clusterId, role: { in: ["agent", "join"] }, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      return { revoked: count };
    },
  };
}

export type JoinTokenService = ReturnType<typeof createJoinTokenService>;

/** Why a join token was not taken, read after the guarded UPDATE claimed nothing. */
async function refusalOf(db: Db, tokenHash: string, now: Date): Promise<string> {
  const row = await db.apiToken.findUnique({
    where: { tokenHash },
    select: { role: true, revokedAt: true, expiresAt: true },
  });
  if (row?.role !== "join")
    return "joinToken: not a join token; ask an admin for one (aios cluster join-token CLUSTER)";
  if (row.revokedAt)
    return "joinToken: this join token was used already (by as many nodes as it was issued for) or revoked; ask an admin for a new one";
  if (row.expiresAt && row.expiresAt <= now)
    return `joinToken: this join token expired at ${row.expiresAt.toISOString()}; ask an admin for a new one`;
  return "joinToken: this join token was used already; ask an admin for a new one";
}
