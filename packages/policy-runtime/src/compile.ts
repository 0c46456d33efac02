import { createHash } from "node:crypto";
import type { Message, Plugin } from "esbuild";
import { POLICY_RUNTIME_SHIM } from "./define";
import { PolicyError } from "./errors";

export interface CompiledPolicy {
  /** sha256 (hex) of the TypeScript source. */
  hash: string;
  /** An iife script that leaves the module namespace in the global `__aiosPolicy`. */
  js: string;
  /** Source map (JSON) from `js` back to the TypeScript source. */
  sourceMap: string;
  /** Name the source is reported under (compile errors, mapped stack traces). */
  filename: string;
}

const RUNTIME_MODULE = "@aios/policy-runtime";
export const POLICY_GLOBAL = "__aiosPolicy";
const CACHE_SIZE = 256;

// Keyed by hash and filename; holds promises so concurrent compiles of one source share a build.
const cache = new Map<string, Promise<CompiledPolicy>>();

/** Bundles one policy module; cached by content hash (LRU of 256). Throws PolicyError "compile". */
export function compilePolicy(source: string, filename = "policy.ts"): Promise<CompiledPolicy> {
  const hash = createHash("sha256").update(source).digest("hex");
  const key = `${hash}\0${filename}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = bundle(source, filename, hash);
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return pending;
}

async function bundle(source: string, filename: string, hash: string): Promise<CompiledPolicy> {
  // Loaded on the first compile, not at import: a process that never compiles starts ~40 ms sooner.
  const { build } = await import("esbuild");
  try {
    const result = await build({
      stdin: { contents: source, sourcefile: filename, loader: "ts" },
      bundle: true,
      format: "iife",
      globalName: POLICY_GLOBAL,
      target: "es2022",
      platform: "neutral",
      // Policy code is an ES module, so strict; esbuild's iife does not say so by itself.
      banner: { js: '"use strict";' },
      sourcemap: "external",
      sourcesContent: false,
      outfile: "policy.js",
      write: false,
      logLevel: "silent",
      // Otherwise an unused value import (`import fs from "fs"`) would vanish instead of failing.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      plugins: [onlyRuntimeImports],
    });
    const js = result.outputFiles.find((f) => f.path.endsWith(".js"))?.text;
    const sourceMap = result.outputFiles.find((f) => f.path.endsWith(".map"))?.text;
    if (js === undefined || sourceMap === undefined) throw new Error("esbuild produced no output");
    return { hash, js, sourceMap, filename };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (!errors?.length)
      throw new PolicyError("compile", `compiling ${filename} failed: ${(e as Error).message}`);
    const issues = errors.map((m) => ({ path: where(m, filename), message: m.text }));
    const first = errors[0]?.location;
    throw new PolicyError("compile", `${issues[0]?.path}: ${issues[0]?.message}`, {
      issues,
      ...(first ? { line: first.line, column: first.column + 1 } : {}),
    });
  }
}

function where(m: Message, filename: string): string {
  return m.location ? `${m.location.file || filename}:${m.location.line}:${m.location.column + 1}` : filename;
}

/** A policy gets no packages, files or network: its only import is the runtime's definePolicy. */
const onlyRuntimeImports: Plugin = {
  name: "aios-policy-imports",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.path === RUNTIME_MODULE
        ? { path: RUNTIME_MODULE, namespace: "aios-runtime" }
        : {
            errors: [
              {
                text: `import of "${args.path}" is not allowed: a policy may only import "${RUNTIME_MODULE}" (use \`import type\` for types)`,
              },
            ],
          },
    );
    b.onLoad({ filter: /.*/, namespace: "aios-runtime" }, () => ({
      contents: POLICY_RUNTIME_SHIM,
      loader: "js",
    }));
  },
};
