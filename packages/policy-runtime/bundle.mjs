/**
 * Bundles a runtime process that hosts policies (a block's executor, a vDAG controller) into
 * `<package>/dist/main.mjs`, one ES module with its dependencies inlined, so it starts as plain
 * Node without compiling TypeScript. Beside it: `policy-sandbox-child.mjs`, the sandbox child the
 * bundled code forks (`src/sandbox/process-sandbox.ts` finds it there), and `main.inputs.json`, the
 * workspace sources both were made from (`runtimeEntry` uses the bundle only while none is newer).
 * Native and optional packages stay imports, resolved from the repository's node_modules.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const SANDBOX_CHILD_SOURCE = fileURLToPath(new URL("./src/sandbox/process-child.ts", import.meta.url));
// isolated-vm is a native addon; esbuild ships a binary per platform; OpenTelemetry's packages are
// loaded only when spans are exported (`@aios/service-kit` tracing), and its API is prom-client's
// optional peer.
const EXTERNAL = ["isolated-vm", "esbuild", "@opentelemetry/*"];

/** Names of the files `bundleRuntime` writes into `<package>/dist/`. */
export const RUNTIME_BUNDLE = {
  main: "main.mjs",
  sandboxChild: "policy-sandbox-child.mjs",
  inputs: "main.inputs.json",
};

/** Bundles `<packageDir>/src/main.ts` and the sandbox child; returns the files written and their sizes. */
export async function bundleRuntime(packageDir) {
  const distDir = resolve(packageDir, "dist");
  const [main, child] = await Promise.all([
    bundle(packageDir, resolve(packageDir, "src/main.ts")),
    bundle(packageDir, SANDBOX_CHILD_SOURCE),
  ]);
  const sources = [...new Set([...main.sources, ...child.sources])];
  writeAtomically(join(distDir, RUNTIME_BUNDLE.sandboxChild), child.code);
  writeAtomically(join(distDir, RUNTIME_BUNDLE.main), main.code);
  const relativeUrls = sources.map((p) => relative(distDir, p).split(sep).join("/"));
  writeAtomically(join(distDir, RUNTIME_BUNDLE.inputs), `${JSON.stringify(relativeUrls, null, 1)}\n`);
  return [
    { file: join(distDir, RUNTIME_BUNDLE.main), bytes: main.code.byteLength },
    { file: join(distDir, RUNTIME_BUNDLE.sandboxChild), bytes: child.code.byteLength },
  ];
}

async function bundle(packageDir, entry) {
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: [entry],
    outfile: resolve(packageDir, "dist/out.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: EXTERNAL,
    write: false,
    metafile: true,
    // Identifiers stay readable in stack traces; whitespace and syntax shrink what Node parses.
    minifyWhitespace: true,
    minifySyntax: true,
    // CommonJS dependencies require Node's built-ins, and an ES module has no `require` of its own.
    banner: {
      js: 'import { createRequire as __aiosCreateRequire } from "node:module"; const require = __aiosCreateRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  const sources = Object.keys(result.metafile.inputs)
    .filter((p) => !p.split("/").includes("node_modules"))
    .map((p) => resolve(packageDir, p));
  return { code: output.contents, sources };
}

/** An agent may read the bundle while it is rebuilt: write a file of our own, rename it into place. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}
