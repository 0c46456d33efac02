import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * The program that starts a runtime process (a block's executor, a vDAG controller) of the package
 * in `packageDir`: its bundle `dist/main.mjs` (plain Node, made by `bundle.mjs` at install) while no
 * source it was made from is newer, else `src/main.ts`, which needs `--import tsx` (a checkout
 * whose sources changed since the last `npm run bundle`, so a stale bundle never runs).
 */
export function runtimeEntry(packageDir: string): string {
  const dist = join(packageDir, "dist");
  const bundle = join(dist, "main.mjs");
  const inputs = join(dist, "main.inputs.json");
  const source = join(packageDir, "src", "main.ts");
  if (!existsSync(bundle) || !existsSync(join(dist, "policy-sandbox-child.mjs")) || !existsSync(inputs)) {
    return source;
  }
  const built = statSync(bundle).mtimeMs;
  const sources = JSON.parse(readFileSync(inputs, "utf8")) as string[];
  const changed = (s: string) =>
    (statSync(join(dist, s), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > built;
  return sources.some(changed) ? source : bundle;
}
