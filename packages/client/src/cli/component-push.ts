import { componentUriOf, specDocumentOf } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { uploadAssetFile } from "../asset-transfer";
import {
  bundleComponent,
  ComponentProjectError,
  componentSpecOf,
  readComponentProject,
} from "../component-bundle";
import type { DataPlaneAccess } from "./asset";
import { type CliIo, CliUsageError } from "./io";

/** Bundles from this size on show their upload's progress on stderr. */
const PROGRESS_FROM_BYTES = 4 * 2 ** 20;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * `aios component push DIR`: checks the project's spec, bundles its code (dependencies from its
 * own node_modules inlined, native addons refused), uploads the bundle to the assets registry by
 * digest, registers it as the asset `<type>.<name>:<version>-<tag>` and the component pointing at
 * that digest. The same code again changes nothing; other code under a registered version is a
 * conflict (versions are immutable).
 */
export async function pushComponent(
  api: ApiClient,
  plane: DataPlaneAccess,
  dir: string,
  io: CliIo,
): Promise<number> {
  let project: ReturnType<typeof readComponentProject>;
  let spec: ReturnType<typeof componentSpecOf>;
  let bundle: Awaited<ReturnType<typeof bundleComponent>>;
  try {
    project = readComponentProject(dir);
    // The spec is checked before anything is bundled or sent (its asset is filled in after).
    spec = componentSpecOf(project, { assetURI: "x:0.0.0-dev", sha256: "0".repeat(64) });
    io.err(`bundling ${componentUriOf(spec)} from ${project.entry}`);
    bundle = await bundleComponent(project);
  } catch (err) {
    if (err instanceof ComponentProjectError) throw new CliUsageError(err.message);
    throw err;
  }
  const { name, version, releaseTag } = spec.componentId;
  const assetName = `${spec.componentType}.${name}`;
  const assetURI = `${assetName}:${version}-${releaseTag}`;
  const existing = await api.assets.get.query({ assetURI }).catch(() => null);
  if (existing && existing.sha256 !== bundle.sha256)
    throw new Error(
      `${assetURI} was pushed before with other code (sha256 ${existing.sha256}, now ${bundle.sha256}); versions are immutable: raise componentId.version in component.json`,
    );
  let last = 0;
  const stored = await uploadAssetFile(
    {
      ...plane,
      onProgress:
        bundle.size >= PROGRESS_FROM_BYTES
          ? (done, total) => {
              const pct = Math.floor((done / total) * 100);
              if (pct >= last + 10 || done === total) {
                last = pct;
                io.err(`uploading ${kib(done)} of ${kib(total)} (${pct}%)`);
              }
            }
          : undefined,
    },
    bundle.file,
  );
  await api.assets.register.mutate({
    name: assetName,
    version,
    releaseTag,
    sha256: stored.sha256,
    metadata: { componentURI: componentUriOf(spec), modules: bundle.modules },
  });
  const final = componentSpecOf(project, { assetURI, sha256: bundle.sha256 });
  const r = await api.parser.applySpec.mutate({ document: specDocumentOf("registerComponent", final) });
  io.out(
    `component ${r.target} ${r.created ? "registered" : "unchanged"}: asset ${assetURI} (sha256 ${bundle.sha256.slice(0, 12)}…, ${kib(bundle.size)}, ${bundle.modules} module(s)${stored.skipped ? ", already uploaded" : ""})`,
  );
  return 0;
}
