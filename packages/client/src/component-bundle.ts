import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parseSpecValues, type TComponentSpec } from "@aios/contracts";

/** A component project's spec: the values of its `registerComponent`, without `runtime`. */
export const COMPONENT_SPEC_FILE = "component.json";
/** The platform's SDK: never bundled, every agent provides its own (`blocks/component-assets.ts`). */
export const INSTANCE_SDK = "@aios/instance-sdk";
/** Where `push` leaves the bundle it uploaded, in the project. */
export const BUNDLE_FILE = join(".aios", "component.mjs");

/** A project that cannot be pushed: the message names the file, the field or the module. */
export class ComponentProjectError extends Error {}

export interface ComponentProject {
  dir: string;
  /** The spec's values as the file has them (`runtime.asset` is added by push). */
  values: Record<string, unknown>;
  /** The program bundled: `package.json`'s `main`, else `index.ts`. */
  entry: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ComponentProjectError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

/** Reads and checks a project's spec and program (nothing is sent anywhere). */
export function readComponentProject(dirArg: string): ComponentProject {
  const dir = resolve(dirArg);
  const specFile = join(dir, COMPONENT_SPEC_FILE);
  if (!existsSync(specFile))
    throw new ComponentProjectError(
      `${specFile} not found: is ${dirArg} a component project (aios component init)?`,
    );
  const values = readJson(specFile);
  if (!isObject(values))
    throw new ComponentProjectError(`${specFile} must hold the component's spec values (an object)`);
  const runtime = values.runtime;
  if (isObject(runtime) && ("entry" in runtime || "asset" in runtime))
    throw new ComponentProjectError(
      `${specFile}: runtime.${"entry" in runtime ? "entry" : "asset"} must not be given: push ships the project's own code and sets runtime.asset`,
    );
  const pkgFile = join(dir, "package.json");
  const main = existsSync(pkgFile) ? (readJson(pkgFile) as { main?: unknown }).main : undefined;
  if (main !== undefined && typeof main !== "string")
    throw new ComponentProjectError(`${pkgFile}: main must be a path`);
  const entry = resolve(dir, main ?? "index.ts");
  if (!entry.startsWith(`${dir}${sep}`))
    throw new ComponentProjectError(`${pkgFile}: main ${JSON.stringify(main)} is outside the project`);
  if (!existsSync(entry)) throw new ComponentProjectError(`the component's program ${entry} does not exist`);
  return { dir, values, entry };
}

/** The spec as push registers it: the file's values with `runtime.asset`, checked like the API checks them. */
export function componentSpecOf(
  project: ComponentProject,
  asset: { assetURI: string; sha256: string },
): TComponentSpec {
  const values = {
    ...project.values,
    runtime: { ...(isObject(project.values.runtime) ? project.values.runtime : {}), asset },
  };
  const parsed = parseSpecValues("registerComponent", values);
  if (!parsed.ok) {
    const [first, ...more] = parsed.errors;
    const path = first?.path.replace(/^\(values\)\.?/, "") || "(spec)";
    throw new ComponentProjectError(
      `${join(project.dir, COMPONENT_SPEC_FILE)}: ${path}: ${first?.message}${more.length ? ` (and ${more.length} more)` : ""}`,
    );
  }
  return parsed.data;
}

/**
 * A project's code as one ES module for Node 20 (push's bundle, test's files): CommonJS
 * dependencies may require Node's built-ins, and an ES module has no `require` of its own.
 */
export const NODE_MODULE = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "silent",
  banner: {
    js: 'import { createRequire as __aiosRequire } from "node:module"; const require = __aiosRequire(import.meta.url);',
  },
} as const;

/** esbuild's errors as `file:line:column: text` lines (five at most), or null for another failure. */
export function bundleErrors(err: unknown): string[] | null {
  type Message = { text: string; location?: { file: string; line: number; column: number } | null };
  const errors = (err as { errors?: Message[] }).errors;
  if (!errors) return null;
  return errors
    .slice(0, 5)
    .map((e) =>
      e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text,
    );
}

/** Packages that load a compiled addon at run time, found by what they ship or depend on. */
const ADDON_LOADERS = [
  "bindings",
  "node-gyp-build",
  "prebuild-install",
  "@mapbox/node-pre-gyp",
  "node-addon-api",
  "nan",
];

/** The package folder `file` (a path under node_modules) belongs to, or null. */
function packageRootOf(file: string): string | null {
  const parts = file.split(sep);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0 || at + 1 >= parts.length) return null;
  const depth = parts[at + 1]?.startsWith("@") ? 3 : 2;
  return parts.slice(0, at + depth).join(sep);
}

/** Why the package at `root` is a native addon, or null. */
function nativeReason(root: string): string | null {
  if (existsSync(join(root, "binding.gyp"))) return "it builds a native addon (binding.gyp)";
  const pkg = existsSync(join(root, "package.json")) ? readJson(join(root, "package.json")) : {};
  if (!isObject(pkg)) return null;
  if (pkg.gypfile === true) return "it builds a native addon (gypfile)";
  const deps = {
    ...(isObject(pkg.dependencies) ? pkg.dependencies : {}),
    ...(isObject(pkg.optionalDependencies) ? pkg.optionalDependencies : {}),
  };
  const loader = ADDON_LOADERS.find((d) => d in deps);
  return loader ? `it loads a native addon (it depends on ${loader})` : null;
}

/**
 * Bundles the project's program into one ES module with esbuild: its dependencies from the
 * project's own node_modules inlined, the platform's SDK left as an import. A native addon (a
 * `.node` file, or a package that builds or loads one) is refused, naming it: agents run
 * JavaScript only. Writes the bundle into the project (`.aios/component.mjs`); answers its digest.
 */
export async function bundleComponent(
  project: ComponentProject,
): Promise<{ file: string; sha256: string; size: number; modules: number }> {
  const { build } = await import("esbuild");
  const refused: string[] = [];
  let result: Awaited<ReturnType<typeof build>> & { metafile: { inputs: Record<string, unknown> } };
  try {
    result = (await build({
      absWorkingDir: project.dir,
      ...NODE_MODULE,
      entryPoints: [project.entry],
      write: false,
      metafile: true,
      external: [INSTANCE_SDK],
      plugins: [
        {
          name: "aios-native-addons",
          setup(b) {
            b.onResolve({ filter: /\.node$/ }, (args) => {
              refused.push(
                `${args.path} (imported by ${relative(project.dir, args.importer)}) is a native addon`,
              );
              return { path: args.path, external: true };
            });
          },
        },
      ],
    })) as typeof result;
  } catch (err) {
    const lines = bundleErrors(err);
    if (!lines) throw err;
    throw new ComponentProjectError(`the component's code does not bundle:\n  ${lines.join("\n  ")}`);
  }
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const root = packageRootOf(resolve(project.dir, input));
    if (root) packages.add(root);
  }
  for (const root of packages) {
    const why = nativeReason(root);
    if (why) refused.push(`package ${relative(join(project.dir, "node_modules"), root) || root}: ${why}`);
  }
  if (refused.length > 0)
    throw new ComponentProjectError(
      `a component's code must be JavaScript that agents can run anywhere; refused: ${refused.join("; ")}`,
    );
  const [output] = result.outputFiles ?? [];
  if (!output) throw new ComponentProjectError("esbuild produced no bundle");
  const file = join(project.dir, BUNDLE_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, output.contents);
  const sha256 = createHash("sha256").update(output.contents).digest("hex");
  return {
    file,
    sha256,
    size: output.contents.byteLength,
    modules: Object.keys(result.metafile.inputs).length,
  };
}
