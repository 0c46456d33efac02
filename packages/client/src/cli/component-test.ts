import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bundleErrors,
  ComponentProjectError,
  INSTANCE_SDK,
  NODE_MODULE,
  readComponentProject,
} from "../component-bundle";
import { type CliIo, CliUsageError } from "./io";

/** Test files of a project: `*.test.ts`, `.js`, `.mjs`, outside node_modules and `.aios`. */
function testFilesOf(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.test\.(ts|mts|js|mjs)$/.test(entry.name)) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * The instance SDK as one module (`dist/instance-sdk.mjs`, made with the CLI's bundle): beside the
 * CLI's bundle in an installed package, in `dist/` from the sources of a checkout.
 */
function sdkBundle(): string {
  const candidates = [
    new URL("./instance-sdk.mjs", import.meta.url),
    new URL("../../dist/instance-sdk.mjs", import.meta.url),
  ];
  const found = candidates.map((u) => fileURLToPath(u)).find((p) => existsSync(p));
  if (!found)
    throw new Error(
      "the instance SDK's bundle (dist/instance-sdk.mjs) is missing: reinstall the package, or npm run bundle -w @aios/client",
    );
  return found;
}

/**
 * `aios component test DIR`: the project's tests (`*.test.ts`, on `node:test`) bundled with esbuild
 * (`@aios/instance-sdk` is the SDK the CLI ships, so a project needs no copy of its own) into
 * `.aios/tests/`, then run with `node --test`. Its exit code is the tests'.
 */
export async function testComponentProject(dir: string, io: CliIo): Promise<number> {
  let project: ReturnType<typeof readComponentProject>;
  try {
    project = readComponentProject(dir);
  } catch (err) {
    if (err instanceof ComponentProjectError) throw new CliUsageError(err.message);
    throw err;
  }
  const files = testFilesOf(project.dir);
  if (files.length === 0)
    throw new CliUsageError(`component test: ${project.dir} has no test files (*.test.ts on node:test)`);
  const sdk = sdkBundle();
  const out = join(project.dir, ".aios", "tests");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { build } = await import("esbuild");
  const bundles: string[] = [];
  for (const file of files) {
    const outfile = join(
      out,
      `${relative(project.dir, file)
        .replaceAll("/", "__")
        .replace(/\.(ts|mts|js|mjs)$/, "")}.mjs`,
    );
    try {
      await build({
        absWorkingDir: project.dir,
        ...NODE_MODULE,
        entryPoints: [file],
        outfile,
        sourcemap: "inline",
        plugins: [
          {
            name: "aios-instance-sdk",
            setup(b) {
              b.onResolve({ filter: /^@aios\/instance-sdk$/ }, () => ({ path: sdk, external: true }));
            },
          },
        ],
      });
    } catch (err) {
      const lines = bundleErrors(err);
      if (!lines) throw err;
      throw new CliUsageError(`component test: ${basename(file)} does not bundle:\n  ${lines.join("\n  ")}`);
    }
    bundles.push(outfile);
  }
  io.err(`testing ${files.map((f) => relative(project.dir, f)).join(", ")} on ${INSTANCE_SDK} (${sdk})`);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ["--enable-source-maps", "--test", ...bundles], {
      cwd: project.dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d: Buffer) => io.out(d.toString().replace(/\n$/, "")));
    child.stderr.on("data", (d: Buffer) => io.err(d.toString().replace(/\n$/, "")));
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}
