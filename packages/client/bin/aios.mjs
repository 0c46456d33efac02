#!/usr/bin/env node
// The `aios` CLI runs one prebuilt ES module (dist/aios.mjs, made by scripts/bundle.mjs at install),
// so a call costs a plain Node start. In a checkout, a bundle older than its sources is made again.
import { existsSync, readFileSync, statSync } from "node:fs";
import module from "node:module";

// Node >= 22.1 keeps the bundle's compiled code on disk between calls; Node 20 has no such cache.
module.enableCompileCache?.();

const bundle = new URL("../dist/aios.mjs", import.meta.url);
const inputs = new URL("../dist/aios.inputs.json", import.meta.url);
const builder = new URL("../scripts/bundle.mjs", import.meta.url);

/** True when a source the bundle was made from changed (or went) since; never in an installed package. */
function stale() {
  if (!existsSync(inputs)) return false;
  const built = statSync(bundle).mtimeMs;
  const sources = JSON.parse(readFileSync(inputs, "utf8"));
  const changed = (source) =>
    (statSync(new URL(source, inputs), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > built;
  return sources.some(changed);
}

if (!existsSync(bundle) || stale()) {
  if (!existsSync(builder)) {
    process.stderr.write(`aios: ${bundle.pathname} is missing; reinstall the package\n`);
    process.exit(1);
  }
  await (await import(builder.href)).bundleCli();
}
const { main } = await import(bundle.href);
const code = await main(process.argv.slice(2));
// The command is done: exit once its output is written, without waiting for idle keep-alive
// connections or background work of Node's fetch (an infer command's) to wind down.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
