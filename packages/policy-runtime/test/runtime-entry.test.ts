import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runtimeEntry } from "../src";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A runtime package with src/main.ts and src/lib.ts, a minute old, and maybe its bundle, new. */
function runtimePackage(opts: { bundled: boolean; childBundled?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), "aios-runtime-entry-"));
  dirs.push(dir);
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "dist"));
  const past = new Date(Date.now() - 60_000);
  for (const f of ["src/main.ts", "src/lib.ts"]) {
    writeFileSync(join(dir, f), "export {};\n");
    utimesSync(join(dir, f), past, past);
  }
  if (opts.bundled) {
    writeFileSync(join(dir, "dist/main.mjs"), "");
    writeFileSync(join(dir, "dist/main.inputs.json"), JSON.stringify(["../src/main.ts", "../src/lib.ts"]));
    if (opts.childBundled ?? true) writeFileSync(join(dir, "dist/policy-sandbox-child.mjs"), "");
  }
  return {
    dir,
    bundle: join(dir, "dist/main.mjs"),
    source: join(dir, "src/main.ts"),
    touch(file: string) {
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(dir, file), later, later);
    },
  };
}

describe("runtimeEntry", () => {
  it("gives the bundle while every source it was made from is older", () => {
    const pkg = runtimePackage({ bundled: true });
    expect(runtimeEntry(pkg.dir)).toBe(pkg.bundle);
  });

  it("gives the TypeScript source once a source of the bundle changed", () => {
    const pkg = runtimePackage({ bundled: true });
    pkg.touch("src/lib.ts");
    expect(runtimeEntry(pkg.dir)).toBe(pkg.source);
  });

  it("gives the TypeScript source when a source of the bundle is gone", () => {
    const pkg = runtimePackage({ bundled: true });
    rmSync(join(pkg.dir, "src/lib.ts"));
    expect(runtimeEntry(pkg.dir)).toBe(pkg.source);
  });

  it("gives the TypeScript source without a bundle, or without the sandbox child beside it", () => {
    expect(runtimeEntry(runtimePackage({ bundled: false }).dir)).toMatch(/src\/main\.ts$/);
    expect(runtimeEntry(runtimePackage({ bundled: true, childBundled: false }).dir)).toMatch(
      /src\/main\.ts$/,
    );
  });
});
