#!/usr/bin/env node
// The ONE entry point for the prisma CLI (npm scripts, src/migrate.ts, the testing helpers).
// It applies the process-level workarounds for Prisma 6.19.3 + JS schema engine on an
// offline machine (see README.md "Prisma workarounds"):
//  1. PRISMA_SCHEMA_ENGINE_BINARY / PRISMA_QUERY_ENGINE_LIBRARY point at an existing file,
//     otherwise the CLI tries to download native engines from binaries.prisma.sh and fails.
//     We never use them: prisma.config.ts selects `engine: "js"` (wasm) and the client is
//     generated with engineType "client" (no native query engine).
//  5. NODE_OPTIONS preloads unref-long-timers.cjs, otherwise migrate commands linger ~60 s.
// Usage: node scripts/prisma.mjs <prisma args...>   (runs with cwd = packages/db)
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = path.resolve(here, "..");
const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
// Any existing file will do; the CLI only checks that the path exists.
const dummyEngine = process.execPath;
const preload = `--require ${JSON.stringify(path.join(here, "unref-long-timers.cjs"))}`;

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? dummyEngine,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? dummyEngine,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
  NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(" "),
};

const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], {
  cwd: pkgDir,
  env,
  stdio: "inherit",
});
// Forward termination so an interrupted migrate does not leave the CLI running.
const forward = (sig) => child.kill(sig);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, forward);
child.on("exit", (code, signal) => {
  if (!signal) process.exit(code ?? 1);
  // Re-raise the child's signal on ourselves, with default handling restored.
  for (const sig of ["SIGINT", "SIGTERM"]) process.off(sig, forward);
  process.kill(process.pid, signal);
});
