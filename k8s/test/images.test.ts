import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The images' recipes, read as Docker reads them: no Docker engine runs here, so what can be
// checked without one is checked (what they copy exists, the base holds what the SDK imports, a
// component image holds what its code imports). The base's install was tried without Docker:
// `npm ci --workspace @aios/instance-sdk --omit=dev --ignore-scripts && npm rebuild isolated-vm`
// in a folder holding only what it copies, then the echo component run from components/echo.

const root = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** A Dockerfile's instructions, continuation lines joined and comments left out. */
function instructions(path: string): Array<{ op: string; args: string }> {
  return read(path)
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [op = "", ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

/** What a COPY from the build context copies (none from another stage). */
const copiedSources = (path: string) =>
  instructions(path)
    .filter((i) => i.op === "COPY" && !i.args.includes("--from="))
    .flatMap((i) => {
      const words = i.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      return words.slice(0, -1);
    });

/** The workspace packages a package needs, itself included, by folder (packages/<name>). */
function workspaceClosure(folder: string, seen = new Set<string>()): Set<string> {
  if (seen.has(folder)) return seen;
  seen.add(folder);
  const pkg = JSON.parse(read(`${folder}/package.json`)) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies ?? {}))
    if (dep.startsWith("@aios/")) workspaceClosure(`packages/${dep.slice("@aios/".length)}`, seen);
  return seen;
}

describe("the instance base image (k8s/images/instance-base.Dockerfile)", () => {
  const file = "k8s/images/instance-base.Dockerfile";

  it("copies what exists, and exactly the workspace packages the instance SDK needs", () => {
    const sources = copiedSources(file);
    for (const s of sources) expect(existsSync(join(root, s)), s).toBe(true);
    const packages = sources.filter((s) => s.startsWith("packages/")).map((s) => s.replace(/\/$/, ""));
    expect(new Set(packages)).toEqual(workspaceClosure("packages/instance-sdk"));
    expect(sources).toEqual(expect.arrayContaining(["package.json", "package-lock.json"]));
  });

  it("installs the SDK's workspace alone, its native addon built for the image's Node", () => {
    const run = instructions(file)
      .filter((i) => i.op === "RUN")
      .map((i) => i.args)
      .join("\n");
    expect(run).toMatch(/npm ci --workspace @aios\/instance-sdk --omit=dev --ignore-scripts/);
    expect(run).toMatch(/npm rebuild isolated-vm/);
    // tsx runs a component's TypeScript: a dependency of the SDK's, so the install has it.
    const runtime = JSON.parse(read("packages/policy-runtime/package.json")) as {
      dependencies: Record<string, string>;
    };
    expect(runtime.dependencies).toHaveProperty("tsx");
    expect(instructions(file).at(-1)).toEqual({ op: "USER", args: "node" });
  });
});

describe("an example component's image (examples/components/*/Dockerfile)", () => {
  const components = readdirSync(join(root, "examples/components")).filter((c) =>
    existsSync(join(root, "examples/components", c, "Dockerfile")),
  );

  it("exists for the echo component at least", () => {
    expect(components).toContain("echo");
  });

  it.each(components)(
    "%s: builds on the base, runs a file it copied, and imports only what the image holds",
    (c) => {
      const steps = instructions(`examples/components/${c}/Dockerfile`);
      expect(steps[0]).toEqual({ op: "FROM", args: "aios-instance-base" });
      expect(steps.find((s) => s.op === "COPY")?.args).toMatch(new RegExp(`\\. /aios/components/${c}$`));
      const cmd = JSON.parse(steps.find((s) => s.op === "CMD")?.args ?? "[]") as string[];
      const entry = cmd.at(-1) ?? "";
      expect(entry.startsWith(`/aios/components/${c}/`), entry).toBe(true);
      expect(
        existsSync(join(root, "examples/components", c, entry.slice(`/aios/components/${c}/`.length))),
      ).toBe(true);
      // Its code reaches nothing of the repository but the SDK's packages.
      const allowed = [...workspaceClosure("packages/instance-sdk")].map(
        (p) => `@aios/${p.slice("packages/".length)}`,
      );
      const dir = join(root, "examples/components", c);
      for (const f of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
        for (const [, spec] of readFileSync(join(dir, f), "utf8").matchAll(/from "([^"]+)"/g)) {
          const ok = spec?.startsWith("./") || spec?.startsWith("node:") || allowed.includes(spec ?? "");
          expect(ok, `${c}/${f} imports ${spec}`).toBe(true);
        }
      }
    },
  );
});
