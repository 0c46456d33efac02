import type { TAssetRecord } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { blobHref, downloadNameOf, formatBytes, matchesAssetFilter, shortDigest } from "./asset-format";

const SHA = "ab".repeat(32);
const asset: TAssetRecord = {
  assetURI: "weights:1.0.0-stable",
  name: "weights",
  version: "1.0.0",
  releaseTag: "stable",
  sha256: SHA,
  size: 10,
  tags: ["model", "fp16"],
  metadata: {},
  uploadedBy: "tok-ana",
  createdAt: "2026-12-01T10:00:00.000Z",
};

describe("formatBytes", () => {
  it("keeps bytes exact below a KiB and scales above", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MiB");
    expect(formatBytes(300 * 1024 ** 3)).toBe("300 GiB");
    expect(formatBytes(2 * 1024 ** 5)).toBe("2048 TiB");
  });
});

describe("shortDigest", () => {
  it("shows 12 hex digits of a digest", () => {
    expect(shortDigest(SHA)).toBe(`${SHA.slice(0, 12)}…`);
    expect(shortDigest("abc")).toBe("abc");
  });
});

describe("downloadNameOf", () => {
  it("uses the uploaded file name when it is a plain name", () => {
    expect(downloadNameOf({ ...asset, metadata: { fileName: "model.bin" } })).toBe("model.bin");
  });
  it("falls back to name-version-tag for paths, dots and other values", () => {
    for (const fileName of ["../etc/passwd", "a\\b", "..", 42, undefined])
      expect(downloadNameOf({ ...asset, metadata: { fileName } })).toBe("weights-1.0.0-stable");
  });
});

describe("blobHref", () => {
  it("is the data-plane path, served by the console's proxy", () => {
    expect(blobHref(SHA)).toBe(`/v1/assets/blobs/${SHA}`);
  });
});

describe("matchesAssetFilter", () => {
  it("matches URI, digest prefix, tags and uploader, ignoring case", () => {
    expect(matchesAssetFilter(asset, "")).toBe(true);
    expect(matchesAssetFilter(asset, "WEIGHTS:1")).toBe(true);
    expect(matchesAssetFilter(asset, SHA.slice(0, 8))).toBe(true);
    expect(matchesAssetFilter(asset, "fp16")).toBe(true);
    expect(matchesAssetFilter(asset, "ana")).toBe(true);
    expect(matchesAssetFilter(asset, "bundle")).toBe(false);
  });
});
