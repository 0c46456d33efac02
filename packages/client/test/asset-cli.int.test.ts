import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TAssetRecord } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

const MiB = 2 ** 20;

describe("aios asset and aios get assets, against an API in token mode", () => {
  const api = useApiServer({ auth: "token" });
  const dir = mkdtempSync(join(tmpdir(), "aios-asset-cli-"));
  const file = join(dir, "bundle.js");
  const bytes = randomBytes(5 * MiB + 123);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const uri = "cli.bundle:1.0.0-stable";
  let admin: string;
  let viewer: string;

  const run = (args: string[], token = admin) => runCli(api.url, args, token);

  beforeAll(async () => {
    writeFileSync(file, bytes);
    admin = (await api.services.tokens.issue({ name: "asset cli admin", role: "admin" })).token;
    viewer = (await api.services.tokens.issue({ name: "asset cli viewer", role: "viewer" })).token;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("uploads a file with its progress on stderr and registers it; the same file again changes nothing", async () => {
    const up = await run([
      "asset",
      "upload",
      file,
      "--name",
      "cli.bundle",
      "--version",
      "1.0.0",
      "--tags",
      "js,cli",
    ]);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toBe(`asset ${uri}: sha256 ${sha256} (${bytes.length} bytes uploaded; registered)`);
    expect(up.err).toMatch(/^uploading .*bundle\.js: 0\.\d of 5\.0 MiB \(0%\)/);
    expect(up.err.split("\n").at(-1)).toMatch(/: 5\.0 of 5\.0 MiB \(100%\)$/);

    const again = await run(["asset", "upload", file, "--name", "cli.bundle", "--version", "1.0.0"]);
    expect(again.out).toBe(`asset ${uri}: sha256 ${sha256} (already in the registry; unchanged)`);

    // Other bytes under the same version are refused: versions are immutable.
    const other = join(dir, "other.js");
    writeFileSync(other, "console.log(1)");
    const conflict = await run(["asset", "upload", other, "--name", "cli.bundle", "--version", "1.0.0"]);
    expect(conflict.code).toBe(1);
    expect(conflict.err).toContain("versions are immutable");
  });

  it("lists the asset with aios get assets", async () => {
    const table = await run(["get", "assets"]);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/^URI\s+SIZE\s+SHA256\s+TAGS\s+CREATED/);
    expect(table.out).toMatch(
      new RegExp(`cli\\.bundle:1\\.0\\.0-stable\\s+${bytes.length}\\s+${sha256.slice(0, 12)}\\s+js,cli`),
    );
    const json = JSON.parse((await run(["get", "asset", uri, "-o", "json"], viewer)).out) as TAssetRecord;
    expect(json).toMatchObject({
      assetURI: uri,
      sha256,
      size: bytes.length,
      metadata: { fileName: "bundle.js" },
    });
  });

  it("downloads the asset as a viewer, its digest verified", async () => {
    const out = join(dir, "copy.js");
    const down = await run(["asset", "download", uri, "-o", out], viewer);
    expect(down.code, down.err).toBe(0);
    expect(down.out).toBe(`${out}: ${bytes.length} bytes, sha256 ${sha256} verified`);
    expect(readFileSync(out).equals(bytes)).toBe(true);
  });

  it("refuses bytes that are not the digest's, leaving no file behind", async () => {
    const db = api.database.db;
    const chunk = await db.assetBlobChunk.findUniqueOrThrow({
      where: { sha256_index: { sha256, index: 2 } },
    });
    const corrupt = Buffer.from(chunk.data);
    corrupt[0] = (corrupt[0] ?? 0) ^ 0xff;
    await db.assetBlobChunk.update({
      where: { sha256_index: { sha256, index: 2 } },
      data: { data: corrupt },
    });
    try {
      const before = readdirSync(dir);
      const down = await run(["asset", "download", uri, "-o", join(dir, "corrupt.js")]);
      expect(down.code).toBe(1);
      expect(down.err).toMatch(
        new RegExp(`SHA-256 is [0-9a-f]{64}, not ${sha256}; .*corrupt\\.js was not written`),
      );
      expect(readdirSync(dir)).toEqual(before);
    } finally {
      await db.assetBlobChunk.update({
        where: { sha256_index: { sha256, index: 2 } },
        data: { data: chunk.data },
      });
    }
  });

  it("names the argument a refusal is about", async () => {
    const badVersion = await run(["asset", "upload", file, "--name", "x", "--version", "1-rc1"]);
    expect([badVersion.code, badVersion.err.split("\n")[0]]).toEqual([
      2,
      "error: --version \"1-rc1\": must be digits like 1, 1.0 or 1.0.0, optionally followed by .rc1 or +build (no '-')",
    ]);
    expect((await run(["asset", "upload", file, "--version", "1"])).err).toMatch(
      /^error: asset upload needs --name/,
    );
    expect((await run(["asset", "upload", join(dir, "nope"), "--name", "x", "--version", "1"])).err).toMatch(
      /^error: asset upload FILE: ".*nope" is not a file/,
    );
    expect((await run(["asset", "download", "no-version"])).err).toMatch(
      /^error: asset download URI: invalid URI/,
    );
    // A viewer may read the registry, not add to it: the upload is refused naming the role.
    const fresh = join(dir, "fresh.js");
    writeFileSync(fresh, "export {}");
    const asViewer = await run(["asset", "upload", fresh, "--name", "v", "--version", "1"], viewer);
    expect([asViewer.code, asViewer.err]).toEqual([
      1,
      `error: uploading ${fresh} failed (HTTP 403): PUT /v1/assets/blobs/:sha256 needs role operator; this token has viewer`,
    ]);
    // A blob the registry has already is not sent again, and registering it is refused the same way.
    const known = await run(["asset", "upload", file, "--name", "v", "--version", "1"], viewer);
    expect(known.err).toBe(
      "uploading " +
        file +
        ": 5.0 of 5.0 MiB (100%)\nerror: assets.register needs role operator; this token has viewer",
    );
  });

  it("removes the asset, and its blob with it", async () => {
    const removed = await run(["asset", "remove", uri]);
    expect([removed.code, removed.out]).toEqual([0, `asset ${uri} removed with its blob`]);
    expect((await run(["get", "assets"])).out).not.toContain(uri);
  });
});
