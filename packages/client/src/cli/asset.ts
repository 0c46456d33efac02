import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import { parseVersionedUri, ZAssetName, ZAssetReleaseTag, ZAssetVersion, ZTags } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { type BlobTransferOptions, downloadAssetBlob, uploadAssetFile } from "../asset-transfer";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";

export const ASSET_USAGE = `  aios asset upload FILE --name N --version V [--tag T] [--tags a,b]
                                          upload a file to the assets registry (skipped when the
                                          registry has its digest) and register it as N:V-T
                                          (T: stable unless told); progress on stderr
  aios asset download URI [-o FILE]       download an asset, its SHA-256 verified (FILE: the name
                                          it was uploaded with, in this folder, unless told)
  aios asset remove URI                   remove an asset (refused while a component uses it)`;

/** Files from this size on show their progress on stderr. */
const PROGRESS_FROM_BYTES = 4 * 2 ** 20;

/** Where blobs travel: the API's data plane at `url`, as `token`. */
export interface DataPlaneAccess {
  url: string;
  token: string | undefined;
}

export async function assetCommand(api: ApiClient, plane: DataPlaneAccess, args: string[], io: CliIo) {
  const [sub, ...rest] = args;
  switch (sub) {
    case "upload":
      return uploadAsset(api, plane, rest, io);
    case "download":
      return downloadAsset(api, plane, rest, io);
    case "remove": {
      const { positionals } = parseOrRefuse("asset remove", rest, {});
      const [uri, ...extra] = positionals;
      noMore("asset remove", extra);
      const r = await api.assets.remove.mutate({ assetURI: assetUri("asset remove", uri) });
      io.out(
        `asset ${r.asset.assetURI} removed${r.blobRemoved ? " with its blob" : " (its blob stays: another asset uses it)"}`,
      );
      return 0;
    }
    default:
      throw new CliUsageError(
        `unknown asset command ${JSON.stringify(sub ?? "")}: upload, download or remove`,
      );
  }
}

type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };

/** An option's value held to its schema (the API's own), refused naming the option. */
function checked<T>(option: string, schema: { safeParse(v: unknown): Parsed<T> }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const why = [...new Set(parsed.error.issues.map((i) => i.message))].join("; ");
  throw new CliUsageError(`${option} ${JSON.stringify(value)}: ${why}`);
}

function assetUri(command: string, uri: string | undefined): string {
  if (!uri)
    throw new CliUsageError(
      `${command} needs the asset's URI (NAME:VERSION-TAG; aios get assets lists them)`,
    );
  const parsed = parseVersionedUri(uri);
  if (!parsed.ok) throw new CliUsageError(`${command} URI: ${parsed.error}`);
  return uri;
}

/** Progress lines on stderr, one per tenth of a large file. */
function progress(io: CliIo, verb: string, what: string, total: number): BlobTransferOptions["onProgress"] {
  if (total < PROGRESS_FROM_BYTES) return undefined;
  let shown = -1;
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  return (done) => {
    const tenth = Math.floor((done / total) * 10);
    if (tenth <= shown) return;
    shown = tenth;
    io.err(`${verb} ${what}: ${mib(done)} of ${mib(total)} MiB (${tenth * 10}%)`);
  };
}

async function uploadAsset(api: ApiClient, plane: DataPlaneAccess, args: string[], io: CliIo) {
  const { values, positionals } = parseOrRefuse("asset upload", args, {
    name: { type: "string" },
    version: { type: "string" },
    tag: { type: "string", default: "stable" },
    tags: { type: "string" },
  });
  const [file, ...extra] = positionals;
  noMore("asset upload", extra);
  if (!file) throw new CliUsageError("asset upload needs the FILE to upload");
  if (!existsSync(file) || !statSync(file).isFile())
    throw new CliUsageError(`asset upload FILE: ${JSON.stringify(file)} is not a file`);
  if (values.name === undefined) throw new CliUsageError("asset upload needs --name");
  if (values.version === undefined) throw new CliUsageError("asset upload needs --version");
  const name = checked("--name", ZAssetName, values.name);
  const version = checked("--version", ZAssetVersion, values.version);
  const releaseTag = checked("--tag", ZAssetReleaseTag, values.tag);
  const tags =
    values.tags === undefined ? undefined : checked("--tags", ZTags, values.tags.split(",").filter(Boolean));
  const onProgress = progress(io, "uploading", file, statSync(file).size);
  const blob = await uploadAssetFile({ ...plane, onProgress }, file);
  const { created, asset } = await api.assets.register.mutate({
    name,
    version,
    releaseTag,
    sha256: blob.sha256,
    ...(tags ? { tags } : {}),
    metadata: { fileName: basename(file) },
  });
  const stored = blob.skipped ? "already in the registry" : `${blob.size} bytes uploaded`;
  io.out(
    `asset ${asset.assetURI}: sha256 ${asset.sha256} (${stored}; ${created ? "registered" : "unchanged"})`,
  );
  return 0;
}

/** The file name an asset was uploaded with, when it is a plain name (never a path). */
function uploadedName(metadata: Record<string, unknown>): string | undefined {
  const name = metadata.fileName;
  return typeof name === "string" && name === basename(name) && name !== "." && name !== ".."
    ? name
    : undefined;
}

async function downloadAsset(api: ApiClient, plane: DataPlaneAccess, args: string[], io: CliIo) {
  const { values, positionals } = parseOrRefuse("asset download", args, {
    output: { type: "string", short: "o" },
  });
  const [uri, ...extra] = positionals;
  noMore("asset download", extra);
  const asset = await api.assets.get.query({ assetURI: assetUri("asset download", uri) });
  const dest = values.output ?? uploadedName(asset.metadata) ?? asset.name;
  const onProgress = progress(io, "downloading", asset.assetURI, asset.size);
  const { size } = await downloadAssetBlob({ ...plane, onProgress }, asset.sha256, dest);
  io.out(`${dest}: ${size} bytes, sha256 ${asset.sha256} verified`);
  return 0;
}
