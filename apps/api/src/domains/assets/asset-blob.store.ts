import { createHash } from "node:crypto";
import type { TAssetBlobStored } from "@aios/contracts";
import { type Db, type Sql, sqlOf } from "@aios/db";
import { OperationalError, PayloadTooLargeError, UserError } from "../../errors";
import { uploadSlots } from "./upload-slots";

/** Bytes per stored chunk of a blob (the last one may be shorter). */
export const BLOB_CHUNK_BYTES = 2 ** 20;
/** The setting that caps one blob, named in every refusal. */
export const MAX_ASSET_ENV = "AIOS_MAX_ASSET_MB";
export const DEFAULT_MAX_ASSET_MB = 512;
/**
 * An upload is one transaction on one connection, so a failed one leaves nothing; past this it is
 * rolled back (Node's request timeout, 300 s, usually ends a stalled upload first).
 */
const UPLOAD_TRANSACTION_MS = 10 * 60_000;
/** New blobs one API process writes at once (each holds a database connection); more wait their turn. */
export const CONCURRENT_UPLOADS = 2;

export interface BlobStat {
  sha256: string;
  size: number;
}

const tooLarge = (maxMb: number) =>
  new PayloadTooLargeError(
    `(body): is larger than ${maxMb} MiB, the most the assets registry keeps (${MAX_ASSET_ENV})`,
  );

/**
 * Content-addressed blobs in PostgreSQL (`asset_blobs`, `asset_blob_chunks`): written from a stream
 * in 1 MiB chunks while hashing, read back chunk by chunk; no blob is ever whole in memory.
 */
export function createAssetBlobStore(db: Db, maxAssetMb: number) {
  const sql = sqlOf(db);
  const maxBytes = maxAssetMb * 2 ** 20;
  const slots = uploadSlots(CONCURRENT_UPLOADS);

  const stat = async (sha256: string, on: Sql = sql): Promise<BlobStat | null> => {
    const [row] = await on.query<BlobStat>(`SELECT sha256, size FROM asset_blobs WHERE sha256 = $1`, [
      sha256,
    ]);
    return row ?? null;
  };

  /**
   * Reads `body` to its end: its SHA-256 and size, refused past the limit; each full chunk (and the
   * last) goes to `store` when given, in order, before more is read.
   */
  async function consume(
    body: AsyncIterable<Uint8Array>,
    store?: (chunk: Buffer, index: number) => Promise<void>,
  ) {
    const hash = createHash("sha256");
    let size = 0;
    let index = 0;
    let chunk = Buffer.allocUnsafe(BLOB_CHUNK_BYTES);
    let filled = 0;
    for await (const piece of body) {
      size += piece.length;
      if (size > maxBytes) throw tooLarge(maxAssetMb);
      hash.update(piece);
      if (!store) continue;
      let at = 0;
      while (at < piece.length) {
        const n = Math.min(piece.length - at, BLOB_CHUNK_BYTES - filled);
        chunk.set(piece.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === BLOB_CHUNK_BYTES) {
          await store(chunk, index++);
          chunk = Buffer.allocUnsafe(BLOB_CHUNK_BYTES);
          filled = 0;
        }
      }
    }
    if (store && filled > 0) await store(chunk.subarray(0, filled), index);
    return { digest: hash.digest("hex"), size };
  }

  const verify = (sha256: string, digest: string) => {
    if (digest !== sha256)
      throw UserError.field(
        "sha256",
        `the body's SHA-256 is ${digest}, not ${sha256} as the path says; nothing was kept`,
      );
  };

  return {
    maxBytes,
    stat,

    /** Refuses a declared length over the limit before a byte is read. */
    assertDeclaredSize(length: number | undefined) {
      if (length !== undefined && length > maxBytes) throw tooLarge(maxAssetMb);
    },

    /**
     * Stores the blob `sha256` from `body`. Its digest must be `sha256` (else 400 naming both); a
     * blob there already is only verified (`created: false`). One transaction, under a lock on the
     * digest (two uploads of one new blob: the second waits, then verifies), so a refused or broken
     * upload leaves nothing.
     */
    async put(sha256: string, body: AsyncIterable<Uint8Array>): Promise<TAssetBlobStored> {
      if (await stat(sha256)) {
        const { digest, size } = await consume(body);
        verify(sha256, digest);
        return { sha256, size, created: false };
      }
      const release = await slots.acquire();
      return sql
        .transaction(
          async (tx) => {
            await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('asset-blob:' || $1, 0))::text`, [
              sha256,
            ]);
            const there = await stat(sha256, tx);
            if (!there) await tx.query(`INSERT INTO asset_blobs (sha256, size) VALUES ($1, 0)`, [sha256]);
            const { digest, size } = await consume(
              body,
              there
                ? undefined
                : async (chunk, index) => {
                    await tx.query(
                      `INSERT INTO asset_blob_chunks (sha256, index, data) VALUES ($1, $2, $3)`,
                      [sha256, index, chunk],
                    );
                  },
            );
            verify(sha256, digest);
            if (!there) await tx.query(`UPDATE asset_blobs SET size = $2 WHERE sha256 = $1`, [sha256, size]);
            return { sha256, size, created: !there };
          },
          { timeoutMs: UPLOAD_TRANSACTION_MS },
        )
        .finally(release);
    },

    /**
     * The bytes of a blob of `size` bytes, chunk by chunk. A blob removed while it is read ends in
     * an error (the reader's digest check would catch a short answer anyway).
     */
    async *read(sha256: string, size: number): AsyncGenerator<Buffer> {
      let sent = 0;
      for (let index = 0; sent < size; index++) {
        const [row] = await sql.query<{ data: Buffer }>(
          `SELECT data FROM asset_blob_chunks WHERE sha256 = $1 AND index = $2`,
          [sha256, index],
        );
        if (!row) throw new OperationalError(`blob ${sha256} was removed while it was read`);
        sent += row.data.length;
        yield row.data;
      }
    },
  };
}

export type AssetBlobStore = ReturnType<typeof createAssetBlobStore>;
