import {
  assetBlobPath,
  formatAssetUri,
  type TAssetRegistered,
  type TAssetRegisterRequest,
  type TAssetRemoved,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { ConflictError, NotFoundError, UserError } from "../../errors";
import { createAssetRegistry, toAssetRecord } from "./asset.registry";
import { createAssetBlobStore } from "./asset-blob.store";
import { revokeFetchTokensOf } from "./fetch-tokens";

type AssetRow = Prisma.AssetGetPayload<object>;

/** How many of the components using an asset a refusal names. */
const NAMED_USERS = 10;

const noBlob = (sha256: string) =>
  UserError.field(
    "sha256",
    `no blob ${sha256} is in the assets registry; upload it first (PUT ${assetBlobPath(sha256)}, or aios asset upload)`,
  );

/** The same URI again: unchanged with the same digest, a conflict with another (versions are immutable). */
function again(existing: AssetRow, sha256: string): TAssetRegistered {
  if (existing.sha256 === sha256) return { created: false, asset: toAssetRecord(existing) };
  throw new ConflictError(
    `asset ${existing.assetURI} is already registered with sha256 ${existing.sha256}, not ${sha256}; versions are immutable, register a new version`,
  );
}

/**
 * The assets registry: records (`<name>:<version>-<releaseTag>` → a blob's sha256) over the blob
 * store. A blob goes with the last record that names it; a blob uploaded and never registered stays.
 */
export function createAssetService(db: Db, opts: { maxAssetMb: number }) {
  return {
    ...createAssetRegistry(db),
    blobs: createAssetBlobStore(db, opts.maxAssetMb),

    /** Names an uploaded blob; `uploadedBy` is the caller's token id (null in open mode). */
    async register(input: TAssetRegisterRequest, uploadedBy: string | null): Promise<TAssetRegistered> {
      const assetURI = formatAssetUri(input);
      const existing = await db.asset.findUnique({ where: { assetURI } });
      if (existing) return again(existing, input.sha256);
      const blob = await db.assetBlob.findUnique({ where: { sha256: input.sha256 }, select: { size: true } });
      if (!blob) throw noBlob(input.sha256);
      try {
        const row = await db.asset.create({
          data: {
            assetURI,
            name: input.name,
            version: input.version,
            releaseTag: input.releaseTag,
            sha256: input.sha256,
            size: blob.size,
            tags: input.tags ?? [],
            metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
            uploadedBy,
          },
        });
        return { created: true, asset: toAssetRecord(row) };
      } catch (err) {
        const code = (err as { code?: string }).code;
        // Registered meanwhile by another call, or the blob removed meanwhile with its last record.
        const now = code === "P2002" ? await db.asset.findUnique({ where: { assetURI } }) : null;
        if (now) return again(now, input.sha256);
        if (code === "P2003") throw noBlob(input.sha256);
        throw err;
      }
    },

    /**
     * Removes a record, and its blob when no other record names it. Refused (409, naming them)
     * while a component's spec points at it (`runtime.asset.assetURI`).
     */
    async remove(assetURI: string): Promise<TAssetRemoved> {
      return db.$transaction(async (tx) => {
        // Locked first: a component being registered with this asset (it holds the row FOR SHARE)
        // commits before the check below sees it, or finds the asset gone.
        const [locked] = await tx.$queryRaw<{ asset_uri: string }[]>`
          SELECT asset_uri FROM assets WHERE asset_uri = ${assetURI} FOR UPDATE`;
        const row = locked ? await tx.asset.findUnique({ where: { assetURI } }) : null;
        if (!row) throw new NotFoundError("asset", assetURI, "assetURI");
        const uses = JSON.stringify({ runtime: { asset: { assetURI } } });
        const users = await tx.$queryRaw<{ uri: string }[]>`
          SELECT component_uri AS uri FROM components WHERE doc @> ${uses}::jsonb
          ORDER BY component_uri LIMIT ${NAMED_USERS + 1}`;
        if (users.length > 0) {
          const named = users.slice(0, NAMED_USERS).map((u) => u.uri);
          const more = users.length > NAMED_USERS ? " and more" : "";
          throw new ConflictError(
            `asset ${assetURI} is used by component ${named.join(", ")}${more} (runtime.asset); point them at another asset first`,
          );
        }
        // The blob's row locked: a register naming it meanwhile waits, then finds it gone or kept.
        await tx.$queryRaw`SELECT sha256 FROM asset_blobs WHERE sha256 = ${row.sha256} FOR UPDATE`;
        await tx.asset.delete({ where: { assetURI } });
        const { count } = await tx.assetBlob.deleteMany({
          where: { sha256: row.sha256, assets: { none: {} } },
        });
        if (count > 0) await revokeFetchTokensOf(tx, [row.sha256]);
        return { asset: toAssetRecord(row), blobRemoved: count > 0 };
      });
    },
  };
}

export type AssetService = ReturnType<typeof createAssetService>;

/** How long an uploaded blob may wait for its record before the sweep removes it. */
export const ORPHAN_BLOB_HOURS = 24;

/**
 * Removes blobs no asset names that were uploaded more than `olderThanHours` ago (an upload whose
 * `assets.register` never came, the blob of an asset removed while a register raced it), and
 * revokes their fetch tokens. Answers how many went.
 */
export async function sweepOrphanBlobs(db: Db, olderThanHours = ORPHAN_BLOB_HOURS): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanHours * 3_600_000);
  return db.$transaction(async (tx) => {
    const gone = await tx.$queryRaw<{ sha256: string }[]>`
      DELETE FROM asset_blobs b WHERE b.created_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.sha256 = b.sha256)
      RETURNING b.sha256`;
    await revokeFetchTokensOf(
      tx,
      gone.map((g) => g.sha256),
    );
    return gone.length;
  });
}
