import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uploadAssetFile } from "@aios/client";
import { describe, expect, it } from "vitest";
import { sweepOrphanBlobs } from "../src/domains/assets/asset.service";
import { doc, rejection, useApiServer } from "./harness";

const work = mkdtempSync(join(tmpdir(), "aios-asset-refs-"));

/** A file of `text` uploaded as a blob (not registered); answers its digest. */
async function uploaded(url: string, name: string, text: string): Promise<string> {
  const file = join(work, name);
  writeFileSync(file, text);
  return (await uploadAssetFile({ url }, file)).sha256;
}

/**
 * A component's pushed code names an asset by URI and digest: both are checked at registration;
 * blobs no asset names are swept once old enough.
 */
describe("assets named by components, and blobs nobody named", () => {
  const api = useApiServer();
  const component = (name: string, asset: { assetURI: string; sha256: string }) =>
    api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name, version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { asset },
      }),
    });

  it("refuses a component whose asset is not registered, or has another digest, naming the field", async () => {
    const sha256 = await uploaded(api.url, "a.mjs", "export const a = 1;\n");
    await api
      .caller()
      .assets.register({ name: "model.refs", version: "1.0.0", releaseTag: "stable", sha256 });
    const missing = await rejection(component("orphan", { assetURI: "model.nothing:1.0.0-stable", sha256 }));
    expect(missing.code).toBe("BAD_REQUEST");
    expect(missing.message).toContain("body.spec.values.runtime.asset.assetURI");
    const other = createHash("sha256").update("other").digest("hex");
    const wrong = await rejection(component("wrong", { assetURI: "model.refs:1.0.0-stable", sha256: other }));
    expect(wrong.message).toContain(
      `body.spec.values.runtime.asset.sha256: is ${other}, but asset model.refs:1.0.0-stable is ${sha256}`,
    );
    const ok = await component("refs", { assetURI: "model.refs:1.0.0-stable", sha256 });
    expect(ok.created).toBe(true);
    const inUse = await rejection(api.caller().assets.remove({ assetURI: "model.refs:1.0.0-stable" }));
    expect(inUse.code).toBe("CONFLICT");
  });

  it("sweeps blobs no asset names once they are old enough, and keeps the others", async () => {
    const lone = await uploaded(api.url, "lone.bin", "nobody registers me\n");
    const named = await uploaded(api.url, "named.bin", "registered\n");
    await api
      .caller()
      .assets.register({ name: "named", version: "1.0.0", releaseTag: "stable", sha256: named });
    const blobs = api.services.assets.blobs;
    expect(await sweepOrphanBlobs(api.database.db)).toBe(0); // too young
    expect(await blobs.stat(lone)).not.toBeNull();
    expect(await sweepOrphanBlobs(api.database.db, 0)).toBeGreaterThanOrEqual(1);
    expect(await blobs.stat(lone)).toBeNull();
    expect(await blobs.stat(named)).not.toBeNull();
  });
});
