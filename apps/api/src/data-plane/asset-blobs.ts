import type { IncomingMessage, ServerResponse } from "node:http";
import { ASSET_SHA256_HEADER, SHA256_RE } from "@aios/contracts";
import { NotFoundError, UserError } from "../errors";
import { assertAssetAccess } from "./authorize";
import { type DataPlaneRoute, failure, send, sendError } from "./io";
import { principalOfRequest } from "./principal";

/** The path's digest, refused (400 naming it) unless it is 64 lowercase hex digits. */
function digestOf(sha256: string): string {
  if (!SHA256_RE.test(sha256))
    throw UserError.field(
      "sha256",
      `${JSON.stringify(sha256)} is not a SHA-256 digest (64 lowercase hex digits)`,
    );
  return sha256;
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  return header === undefined ? undefined : Number(header);
}

/** Resolves when the response can take more, or is gone (the caller checks `destroyed`). */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });

/**
 * `PUT /v1/assets/blobs/<sha256>`: the body, streamed into the registry's chunks while it is hashed
 * (never whole in memory). 201 `{sha256, size, created: true}`; a blob there already is verified
 * and answered 200 with `created: false`. A digest other than the path's is 400 naming both, a body
 * over `AIOS_MAX_ASSET_MB` 413 naming it (at once when Content-Length says so); either keeps nothing.
 * Operators and admins.
 */
export const handleBlobPut: DataPlaneRoute = async (plane, req, res, { sha256 = "" }) => {
  try {
    const principal = await principalOfRequest(plane.services, req);
    if (!principal) return send(res, 401, failure("an API token is required", "request"));
    assertAssetAccess(principal, "PUT /v1/assets/blobs/:sha256", "write");
    const blobs = plane.services.assets.blobs;
    const digest = digestOf(sha256);
    blobs.assertDeclaredSize(declaredLength(req));
    // Not destroyed when reading stops early: the refusal is answered before the connection closes.
    const stored = await blobs.put(digest, req.iterator({ destroyOnReturn: false }));
    send(res, stored.created ? 201 : 200, stored);
  } catch (err) {
    req.resume(); // the rest of a refused body is discarded
    sendError(plane, res, err, "request");
  }
};

/**
 * `HEAD` and `GET /v1/assets/blobs/<sha256>`: its size (`content-length`) and digest
 * (`x-aios-sha256`); GET streams its chunks as they are read. Viewers and up, agents (they
 * fetch components' code by digest), and data keys scoped to this blob (`asset:<sha256>`).
 */
export const handleBlobGet: DataPlaneRoute = async (plane, req, res, { sha256 = "" }) => {
  try {
    const principal = await principalOfRequest(plane.services, req);
    if (!principal) return send(res, 401, failure("an API token is required", "request"));
    const digest = digestOf(sha256);
    assertAssetAccess(principal, `${req.method} /v1/assets/blobs/:sha256`, "read", digest);
    const blobs = plane.services.assets.blobs;
    const blob = await blobs.stat(digest);
    if (!blob) throw new NotFoundError("asset blob", digest, "sha256");
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(blob.size),
      [ASSET_SHA256_HEADER]: digest,
    });
    if (req.method === "HEAD") return void res.end();
    for await (const chunk of blobs.read(digest, blob.size)) {
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) return;
    }
    res.end();
  } catch (err) {
    // Mid-answer, the short body (and the reader's digest check) tells the caller.
    if (res.headersSent) {
      plane.log.warn("asset blob answer cut short", { sha256, err });
      return void res.destroy();
    }
    sendError(plane, res, err, "request");
  }
};
