import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const SKIP = new Set(["node_modules", ".next", "test-results"]);

/** A hash of everything the console's production build depends on, to rebuild only when it changed. */
export function webSourceHash(repoRoot: string): string {
  const hash = createHash("sha256");
  const roots = [
    join(repoRoot, "apps/web"),
    join(repoRoot, "packages/contracts/src"),
    join(repoRoot, "apps/api/src"),
  ];
  for (const root of roots)
    walk(root, (file) => hash.update(relative(repoRoot, file)).update(readFileSync(file)));
  const lock = join(repoRoot, "package-lock.json");
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest("hex");
}

function walk(dir: string, visit: (file: string) => void) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, visit);
    else visit(path);
  }
}

const stampOf = (webDir: string) => join(webDir, ".next", "aios-source-hash");

export function webBuildIsCurrent(webDir: string, hash: string): boolean {
  const stamp = stampOf(webDir);
  return (
    existsSync(join(webDir, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === hash
  );
}

/** Before a build: a build stopped halfway leaves no stamp, so the next start builds again. */
export function forgetWebBuild(webDir: string): void {
  rmSync(stampOf(webDir), { force: true });
}

export function markWebBuilt(webDir: string, hash: string): void {
  writeFileSync(stampOf(webDir), hash);
}
