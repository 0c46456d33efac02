import { assetBlobPath, type TAssetRecord } from "@aios/contracts";

/** How an asset's size, digest and file name are shown and offered in the console. */

const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/** `1536` -> `1.5 KiB`; below 1 KiB the exact byte count. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** The first 12 hex digits, enough to tell digests apart at a glance (the full one on hover). */
export const shortDigest = (sha256: string): string =>
  sha256.length > 12 ? `${sha256.slice(0, 12)}…` : sha256;

/**
 * The name a download is saved under: the file name it was uploaded with (`aios asset upload`
 * records it as `metadata.fileName`) when that is a plain name, else `<name>-<version>-<releaseTag>`.
 */
export function downloadNameOf(
  a: Pick<TAssetRecord, "name" | "version" | "releaseTag" | "metadata">,
): string {
  const fileName = a.metadata.fileName;
  if (typeof fileName === "string" && /^[^/\\]+$/.test(fileName) && fileName !== "." && fileName !== "..")
    return fileName;
  return `${a.name}-${a.version}-${a.releaseTag}`;
}

/** The blob through the console's own proxy to the API's data plane (same origin, the session's token). */
export const blobHref = (sha256: string): string => assetBlobPath(sha256);

/** The list's text filter: URI, digest (a prefix is enough), tags and who uploaded it. */
export function matchesAssetFilter(a: TAssetRecord, text: string): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  const haystack = [a.assetURI, a.sha256, a.uploadedBy ?? "", ...a.tags];
  return haystack.some((s) => s.toLowerCase().includes(q));
}
