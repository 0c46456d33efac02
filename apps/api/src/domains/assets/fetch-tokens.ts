import type { TAssetFetchToken } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { NotFoundError } from "../../errors";
import type { TokenService } from "../tokens/token.service";

/** The one scope of a fetch token: downloading blob `sha256`, nothing else. */
export const assetScopeOf = (sha256: string) => `asset:${sha256}`;

/**
 * Tokens that fetch one blob of the assets registry, for code that must download a component's
 * bundle without holding its agent's token (the init container of a pod on Kubernetes). A fetch
 * token is a data key whose only scope is `asset:<sha256>`: it reads that blob and reaches nothing
 * else, on the data plane or on tRPC. It is bound to the agent's cluster (its `scope`), never
 * expires (a pod may be made again long after its agent asked), and is revoked with its blob.
 */
export function createAssetFetchTokens(db: Db, tokens: Pick<TokenService, "issue">) {
  return {
    /** A new fetch token for blob `sha256`, for `clusterId`'s agent; 404 when there is no such blob. */
    async issue(sha256: string, clusterId: string): Promise<TAssetFetchToken> {
      const blob = await db.assetBlob.findUnique({ where: { sha256 }, select: { sha256: true } });
      if (!blob) throw new NotFoundError("asset blob", sha256, "sha256");
      const issued = await tokens.issue({
        name: `fetch asset ${sha256.slice(0, 12)} (cluster ${clusterId})`,
        role: "data",
        scope: clusterId,
        scopes: [assetScopeOf(sha256)],
      });
      return { sha256, token: issued.token, tokenId: issued.id };
    },
  };
}

/**
 * Revokes the fetch tokens of blobs that are gone: those `createAssetFetchTokens` issued (a data key
 * bound to a cluster whose one scope is an asset), not data keys people made with an asset scope
 * among others. Runs in the transaction that removed the blobs.
 */
export async function revokeFetchTokensOf(tx: Prisma.TransactionClient | Db, sha256s: string[]) {
  if (sha256s.length === 0) return;
  const now = new Date();
  await Promise.all(
    sha256s.map((sha256) =>
      tx.apiToken.updateMany({
        where: {
          role: "data",
          scope: { not: null },
          scopes: { equals: [assetScopeOf(sha256)] },
          revokedAt: null,
        },
        data: { revokedAt: now },
      }),
    ),
  );
}
