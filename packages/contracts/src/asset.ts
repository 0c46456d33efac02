import { z } from "zod";
import { oversizeSpecIssue, ZBoundedName } from "./limits";
import { ZTags } from "./specs/common";
import {
  DOTTED_NAME_RE,
  parseVersionedUri,
  RELEASE_TAG_HINT,
  RELEASE_TAG_RE,
  type TVersionedName,
  VERSION_HINT,
  VERSION_RE,
} from "./uri";

/**
 * The assets registry: content-addressed blobs (a component's bundle, a model file) and the asset
 * records naming them, `<name>:<version>-<releaseTag>` → sha256. A version is immutable; several
 * records may share one blob.
 */

/** A blob's digest: SHA-256 as 64 lowercase hex digits. */
export const SHA256_RE = /^[0-9a-f]{64}$/;
export const ZSha256 = z
  .string()
  .regex(SHA256_RE, { error: "must be a SHA-256 digest: 64 lowercase hex digits" });

export const ZAssetName = ZBoundedName().regex(DOTTED_NAME_RE, {
  error: "must start with a letter or digit and contain only letters, digits, '.', '-' or '_'",
});
export const ZAssetVersion = z.string().regex(VERSION_RE, { error: `must be ${VERSION_HINT}` });
export const ZAssetReleaseTag = z.string().regex(RELEASE_TAG_RE, { error: `must be ${RELEASE_TAG_HINT}` });

/** `<name>:<version>-<releaseTag>`, the shape of policy and vDAG URIs. */
export const ZAssetUri = z.string().superRefine((value, ctx) => {
  const parsed = parseVersionedUri(value);
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error, input: value });
});
export const formatAssetUri = (a: TVersionedName): string => `${a.name}:${a.version}-${a.releaseTag}`;

/** An asset's free-form metadata: a JSON object of at most MAX_SPEC_DOCUMENT_BYTES. */
export const ZAssetMetadata = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const issue = oversizeSpecIssue(value, "metadata");
  if (issue) ctx.addIssue({ code: "custom", message: issue.message, input: value });
});

export const ZAssetRecord = z.strictObject({
  assetURI: z.string(),
  name: z.string(),
  version: z.string(),
  releaseTag: z.string(),
  sha256: z.string(),
  /** Bytes. */
  size: z.number().int().min(0),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  /** The API token that registered it; null in open mode. */
  uploadedBy: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type TAssetRecord = z.infer<typeof ZAssetRecord>;

/** `assets.register`: names a blob already uploaded (`PUT /v1/assets/blobs/<sha256>`). */
export const ZAssetRegisterRequest = z.strictObject({
  name: ZAssetName,
  version: ZAssetVersion,
  releaseTag: ZAssetReleaseTag,
  sha256: ZSha256,
  tags: ZTags.optional(),
  metadata: ZAssetMetadata.optional(),
});
export type TAssetRegisterRequest = z.infer<typeof ZAssetRegisterRequest>;

/** `created: false`: the same URI was registered with the same digest already (nothing changed). */
export const ZAssetRegistered = z.strictObject({ created: z.boolean(), asset: ZAssetRecord });
export type TAssetRegistered = z.infer<typeof ZAssetRegistered>;

/** `assets.remove`: the record removed, and whether its blob went with it (no other record used it). */
export const ZAssetRemoved = z.strictObject({ asset: ZAssetRecord, blobRemoved: z.boolean() });
export type TAssetRemoved = z.infer<typeof ZAssetRemoved>;

/** The answer of `PUT /v1/assets/blobs/<sha256>`: `created: false` when the blob was there already. */
export const ZAssetBlobStored = z.strictObject({
  sha256: z.string(),
  size: z.number().int().min(0),
  created: z.boolean(),
});
export type TAssetBlobStored = z.infer<typeof ZAssetBlobStored>;

/** The header of a blob answer carrying its digest (with `content-length`, its size). */
export const ASSET_SHA256_HEADER = "x-aios-sha256";
/** The data-plane path of a blob. */
export const assetBlobPath = (sha256: string) => `/v1/assets/blobs/${sha256}`;

/**
 * A token that downloads one blob and nothing else (`agents.work.assetFetchToken`): a data key
 * whose one scope is `asset:<sha256>`, for code that fetches a component's bundle on its agent's
 * behalf (a pod's init container) without the agent's own token.
 */
export const ZAssetFetchToken = z.strictObject({
  sha256: z.string(),
  /** The secret, shown in this answer only. */
  token: z.string(),
  tokenId: z.string(),
});
export type TAssetFetchToken = z.infer<typeof ZAssetFetchToken>;
