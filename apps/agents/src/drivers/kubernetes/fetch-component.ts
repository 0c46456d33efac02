import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from "node:fs";
import { chmod, rm } from "node:fs/promises";
import { join } from "node:path";
import { downloadAssetBlob } from "@aios/client";

/** The file a pod's fetched bundle is, in its component volume. */
export const BUNDLE_FILE = "component.mjs";

/** What the init container of a pod of pushed code is told (all required). */
export interface FetchComponentEnv {
  /** The API as pods reach it. */
  AIOS_ASSETS_URL: string;
  /** The blob to fetch: the component's `runtime.asset.sha256`. */
  AIOS_ASSET_SHA256: string;
  /** A fetch token: reads that blob and nothing else (`agents.work.assetFetchToken`). */
  AIOS_ASSET_TOKEN: string;
  /** The pod's component volume, where the bundle is written. */
  AIOS_COMPONENT_DIR: string;
  /** The image's `packages/instance-sdk`: the bundle imports `@aios/instance-sdk` from there. */
  AIOS_INSTANCE_SDK: string;
}

const NAMES: (keyof FetchComponentEnv)[] = [
  "AIOS_ASSETS_URL",
  "AIOS_ASSET_SHA256",
  "AIOS_ASSET_TOKEN",
  "AIOS_COMPONENT_DIR",
  "AIOS_INSTANCE_SDK",
];

/** The init container's settings from its environment; a missing one is named. */
export function fetchComponentEnv(env: NodeJS.ProcessEnv): FetchComponentEnv {
  const missing = NAMES.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`fetch-component: ${missing.join(", ")} not set`);
  return Object.fromEntries(NAMES.map((name) => [name, env[name] as string])) as unknown as FetchComponentEnv;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * What the init container of a pod of pushed code does: downloads the component's bundle by digest
 * into the pod's component volume, checked against the digest as it arrives (bytes that are not
 * the digest's are never written: the init container fails, and the pod does not start), and links
 * `node_modules/@aios/instance-sdk` beside it to the image's SDK. A bundle already there (a pod
 * made again on the same volume) is checked, and fetched again unless it is the digest's.
 * Answers the bundle's path.
 */
export async function fetchComponent(env: FetchComponentEnv): Promise<string> {
  const dir = env.AIOS_COMPONENT_DIR;
  const bundle = join(dir, BUNDLE_FILE);
  const sha256 = env.AIOS_ASSET_SHA256;
  mkdirSync(dir, { recursive: true });
  if (!existsSync(bundle) || (await sha256Of(bundle)) !== sha256) {
    await rm(bundle, { force: true });
    await downloadAssetBlob({ url: env.AIOS_ASSETS_URL, token: env.AIOS_ASSET_TOKEN }, sha256, bundle);
    await chmod(bundle, 0o444);
  }
  const scope = join(dir, "node_modules", "@aios");
  mkdirSync(scope, { recursive: true });
  const link = join(scope, "instance-sdk");
  const current = existsSync(link) ? readlinkSync(link) : null;
  if (current !== env.AIOS_INSTANCE_SDK) {
    if (current !== null) unlinkSync(link);
    symlinkSync(env.AIOS_INSTANCE_SDK, link, "dir");
  }
  return bundle;
}
