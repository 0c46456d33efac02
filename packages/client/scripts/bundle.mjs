/**
 * Bundles the `aios` CLI into one ESM file, dist/aios.mjs, with its dependencies inlined (only
 * Node's built-ins and esbuild stay imports): a call then starts plain Node, no TypeScript compiler. Runs at the
 * repository's postinstall (`npm run bundle -w @aios/client`); bin/aios.mjs runs it too when the
 * bundle is missing or older than one of the sources it was made from (listed in aios.inputs.json).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const APPS_DIR = resolve(PACKAGE_DIR, "../../apps") + sep;
export const CLI_BUNDLE = resolve(PACKAGE_DIR, "dist/aios.mjs");
export const CLI_BUNDLE_INPUTS = resolve(PACKAGE_DIR, "dist/aios.inputs.json");
/**
 * The instance SDK as one module, for component projects outside the repository: `aios component
 * test` runs their tests on it. isolated-vm (native) stays an import, loaded only when a policy
 * runs in the test's own process.
 */
export const SDK_BUNDLE = resolve(PACKAGE_DIR, "dist/instance-sdk.mjs");
const SDK_ENTRY = resolve(PACKAGE_DIR, "../instance-sdk/src/index.ts");
/** Both bundles: one ES module for Node 20, kept in memory, with readable names and `require`. */
const NODE_MODULE = {
  absWorkingDir: PACKAGE_DIR,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  write: false,
  metafile: true,
  // Identifiers stay readable in stack traces; whitespace and syntax shrink what Node parses.
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS dependencies (yaml) require Node's built-ins, and an ES module has no `require`.
  banner: {
    js: 'import { createRequire as __aiosCreateRequire } from "node:module"; const require = __aiosCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
};

/** Builds dist/aios.mjs (and its list of workspace sources); returns the bundle's size in bytes. */
export async function bundleCli() {
  const result = await build({
    ...NODE_MODULE,
    entryPoints: ["src/cli/main.ts"],
    outfile: CLI_BUNDLE,
    // esbuild itself (for `aios component push`) is a dependency of the package: it ships a
    // native binary per platform, which no bundle can hold.
    external: ["esbuild"],
  });
  const sdk = await build({
    ...NODE_MODULE,
    entryPoints: [SDK_ENTRY],
    outfile: SDK_BUNDLE,
    external: ["isolated-vm"],
  });
  const sources = [...Object.keys(result.metafile.inputs), ...Object.keys(sdk.metafile.inputs)]
    .filter((p) => !p.split("/").includes("node_modules"))
    .map((p) => resolve(PACKAGE_DIR, p));
  // The client knows the API only by its router's type: code of an app in the CLI is a wrong import.
  const fromApps = sources.filter((p) => p.startsWith(APPS_DIR));
  if (fromApps.length > 0) {
    throw new Error(`the CLI bundle must not contain app code, but it imports ${fromApps.join(", ")}`);
  }
  const [output] = result.outputFiles;
  const [sdkOutput] = sdk.outputFiles;
  if (!output || !sdkOutput) throw new Error("esbuild produced no output for the CLI or the SDK");
  writeAtomically(SDK_BUNDLE, sdkOutput.contents);
  writeAtomically(CLI_BUNDLE, output.contents);
  const distDir = dirname(CLI_BUNDLE);
  const relativeUrls = sources.map((p) => relative(distDir, p).split(sep).join("/"));
  writeAtomically(CLI_BUNDLE_INPUTS, `${JSON.stringify([...new Set(relativeUrls)], null, 1)}\n`);
  return output.contents.byteLength;
}

/** Two CLI calls may rebuild at once: each writes a file of its own and renames it into place. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const bytes = await bundleCli();
  process.stdout.write(`${relative(process.cwd(), CLI_BUNDLE)}: ${Math.round(bytes / 1024)} KiB\n`);
}
