import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from "node:fs";
import { chmod, rm } from "node:fs/promises";
import { join } from "node:path";
import { type BlobTransferOptions, downloadAssetBlob } from "@aios/client";

/** The file a component's bundle is kept as, in the cache folder of its digest. */
const BUNDLE = "component.mjs";

/** A component's pushed code that may not run: the start is refused, and this is the block's failure. */
export class ComponentAssetError extends Error {
  constructor(assetURI: string, reason: string) {
    super(`runtime.asset ${assetURI} ${reason}: not started`);
    this.name = "ComponentAssetError";
  }
}

export interface ComponentAssets {
  /** The checked bundle of `asset`, fetched by its digest when this node has it not. */
  bundleOf(asset: { assetURI: string; sha256: string }): Promise<string>;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * The node's cache of components' pushed code (`runtime.asset`), by digest: `<dir>/<sha256>/component.mjs`.
 * A bundle is fetched from the assets registry (the API's data plane, with the agent's token),
 * written only once its bytes are its digest's, and checked again before each start, so a bundle
 * changed on disk since is refused too. Bundles import `@aios/instance-sdk`, which the platform
 * provides: `<dir>/node_modules/@aios/instance-sdk` links to this installation's SDK, so every
 * component runs on the SDK of the agent that runs it. The folder is readable by the workloads'
 * users (the code is no secret: any viewer may download it); only the agent writes it.
 */
export function createComponentAssets(opts: {
  dir: string;
  /** The installation's `packages/instance-sdk`. */
  sdkDir: string;
  transfer: BlobTransferOptions;
}): ComponentAssets {
  const fetching = new Map<string, Promise<string>>();
  let linked = false;

  const linkSdk = () => {
    if (linked) return;
    const scope = join(opts.dir, "node_modules", "@aios");
    mkdirSync(scope, { recursive: true, mode: 0o755 });
    const link = join(scope, "instance-sdk");
    const current = existsSync(link) ? readlinkSync(link) : null;
    if (current !== opts.sdkDir) {
      if (current !== null) unlinkSync(link);
      symlinkSync(opts.sdkDir, link, "dir");
    }
    linked = true;
  };

  async function fetchBundle(asset: { assetURI: string; sha256: string }): Promise<string> {
    const folder = join(opts.dir, asset.sha256);
    const bundle = join(folder, BUNDLE);
    if (existsSync(bundle)) {
      const got = await sha256Of(bundle);
      if (got === asset.sha256) return bundle;
      // Changed on disk since it was checked: fetched again, never run.
      await rm(bundle, { force: true });
    }
    mkdirSync(folder, { recursive: true, mode: 0o755 });
    try {
      await downloadAssetBlob(opts.transfer, asset.sha256, bundle);
    } catch (err) {
      throw new ComponentAssetError(asset.assetURI, `could not be fetched (${(err as Error).message})`);
    }
    await chmod(bundle, 0o644);
    return bundle;
  }

  return {
    async bundleOf(asset) {
      linkSdk();
      let pending = fetching.get(asset.sha256);
      if (!pending) {
        pending = fetchBundle(asset).finally(() => fetching.delete(asset.sha256));
        fetching.set(asset.sha256, pending);
      }
      return pending;
    },
  };
}
