import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { basename, dirname, join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ASSET_SHA256_HEADER, assetBlobPath, type TAssetBlobStored } from "@aios/contracts";

/** Where blobs go and come from: the API's data plane, as `token`. */
export interface BlobTransferOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:4000 */
  url: string;
  token?: string | undefined;
  /** Called as bytes go (and once at the end): bytes done so far, of `total`. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** An upload or download the API refused, or whose bytes were not the digest's. */
export class AssetTransferError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A file's SHA-256 and size, read as a stream. */
export async function fileSha256(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), size };
}

/** Counts (and hashes, when given a hash) the bytes passing through. */
function meter(
  total: number,
  onProgress: BlobTransferOptions["onProgress"],
  hash?: ReturnType<typeof createHash>,
) {
  let done = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, next) {
      done += chunk.length;
      hash?.update(chunk);
      onProgress?.(done, total);
      next(null, chunk);
    },
  });
}

/**
 * One call to the data plane; `body` is streamed with `length` as its Content-Length. `stop` ends
 * the request (and what is left of its body) once its answer is read.
 */
async function call(
  opts: BlobTransferOptions,
  method: string,
  sha256: string,
  body?: { stream: Readable; length: number },
): Promise<{ res: IncomingMessage; stop: () => void }> {
  const url = new URL(assetBlobPath(sha256), `${opts.url.replace(/\/+$/, "")}/`);
  const headers: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  if (body)
    Object.assign(headers, {
      "content-type": "application/octet-stream",
      "content-length": String(body.length),
    });
  const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method, headers });
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    req.on("response", resolve).on("error", (err) => reject(new TypeError("fetch failed", { cause: err })));
  });
  // A refusal may come before the whole body is sent (413): the answer is what tells the caller.
  if (body) pipeline(body.stream, req).catch(() => undefined);
  else req.end();
  return { res: await answer, stop: () => req.destroy() };
}

async function textOf(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** The API's `{error: {message}}` of a failed call, as an AssetTransferError. */
async function failure(res: IncomingMessage, what: string): Promise<AssetTransferError> {
  const text = await textOf(res);
  let message = text.trim() || (res.statusCode === 401 ? "an API token is required" : "no details");
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
  } catch {}
  return new AssetTransferError(`${what} failed (HTTP ${res.statusCode}): ${message}`, res.statusCode);
}

/**
 * Uploads a file as a blob: its SHA-256 first, then, unless the registry says it has that blob
 * already (HEAD), the file streamed with progress. Answers what the API stored (`created: false`
 * when it was there already, `skipped: true` when nothing was sent).
 */
export async function uploadAssetFile(
  opts: BlobTransferOptions,
  path: string,
): Promise<TAssetBlobStored & { skipped: boolean }> {
  const { sha256, size } = await fileSha256(path);
  const { res: head } = await call(opts, "HEAD", sha256);
  head.resume();
  if (head.statusCode === 200) {
    opts.onProgress?.(size, size);
    return { sha256, size, created: false, skipped: true };
  }
  // A HEAD answer has no body to say why: an upload refused for the same reason says it.
  if (head.statusCode !== 404 && head.statusCode !== 403)
    throw await failure(head, `looking up blob ${sha256}`);
  const stream = createReadStream(path).pipe(meter(size, opts.onProgress));
  const { res, stop } = await call(opts, "PUT", sha256, { stream, length: size });
  if (res.statusCode !== 200 && res.statusCode !== 201) {
    const err = await failure(res, `uploading ${path}`);
    stop(); // refused before the whole file went: send no more of it
    throw err;
  }
  return { ...(JSON.parse(await textOf(res)) as TAssetBlobStored), skipped: false };
}

/**
 * Downloads the blob `sha256` to `dest`, streamed through its digest: written to a temporary file
 * beside `dest` and renamed over it once the bytes are the digest's; on a mismatch (or any failure)
 * the partial file is removed and `dest` left as it was.
 */
export async function downloadAssetBlob(opts: BlobTransferOptions, sha256: string, dest: string) {
  const { res } = await call(opts, "GET", sha256);
  if (res.statusCode !== 200) throw await failure(res, `downloading blob ${sha256}`);
  const said = res.headers[ASSET_SHA256_HEADER];
  if (said !== sha256) {
    res.destroy();
    throw new AssetTransferError(`the API answered blob ${String(said)} for ${sha256}`);
  }
  const total = Number(res.headers["content-length"]);
  const partial = join(dirname(dest), `.${basename(dest)}.${randomBytes(4).toString("hex")}.partial`);
  const hash = createHash("sha256");
  try {
    await pipeline(res, meter(total, opts.onProgress, hash), createWriteStream(partial, { flags: "wx" }));
    const got = hash.digest("hex");
    if (got !== sha256)
      throw new AssetTransferError(
        `the downloaded bytes' SHA-256 is ${got}, not ${sha256}; ${dest} was not written`,
      );
    await rename(partial, dest);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { sha256, size: (await stat(dest)).size };
}
