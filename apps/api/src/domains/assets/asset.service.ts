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
        const row = await tx.asset.findUnique({ where: { assetURI } });
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
        return { asset: toAssetRecord(row), blobRemoved: count > 0 };
      });
    },
  };
}

export type AssetService = ReturnType<typeof createAssetService>;
