import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { main } from "../src/cli/main";

/**
 * `aios component init` and `push` in folders outside the repository, against a real API: the
 * project's code bundled with its own dependencies, uploaded by digest and registered; the same
 * code again changes nothing, other code under the same version is refused, native addons too.
 */
describe("aios component init and push", () => {
  const api = useApiServer();
  const work = mkdtempSync(join(tmpdir(), "aios-component-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { AIOS_API_URL: api.url },
    });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const writeModule = (dir: string, pkg: Record<string, unknown>, index: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ version: "1.0.0", main: "index.js", ...pkg }));
    writeFileSync(join(dir, "index.js"), index);
  };

  it("makes a project, and pushes it as model.<name>:0.1.0-dev pointing at its bundle's digest", async () => {
    const dir = join(work, "mine");
    const init = await run(["component", "init", dir]);
    expect(init.code, init.err).toBe(0);
    expect(init.out).toContain("component model.mine:0.1.0-dev created");
    const spec = JSON.parse(readFileSync(join(dir, "component.json"), "utf8"));
    expect(spec.componentId).toEqual({ name: "mine", version: "0.1.0", releaseTag: "dev" });
    // Its block's spec is valid as it is.
    const valid = await run(["validate", "-f", join(dir, "block.json")]);
    expect(valid.code, valid.out + valid.err).toBe(0);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("aios infer block mine --data");

    const push = await run(["component", "push", dir]);
    expect(push.code, push.err).toBe(0);
    expect(push.out).toMatch(
      /^component model\.mine:0\.1\.0-dev registered: asset model\.mine:0\.1\.0-dev \(sha256 [0-9a-f]{12}…/,
    );
    const bundle = readFileSync(join(dir, ".aios/component.mjs"));
    const sha256 = createHash("sha256").update(bundle).digest("hex");
    expect(bundle.toString()).toContain('from "@aios/instance-sdk"');
    const component = await api.caller().components.get({ componentURI: "model.mine:0.1.0-dev" });
    expect(component.doc.runtime).toEqual({ asset: { assetURI: "model.mine:0.1.0-dev", sha256 } });
    await expect(api.caller().assets.get({ assetURI: "model.mine:0.1.0-dev" })).resolves.toMatchObject({
      sha256,
      size: bundle.length,
    });

    const again = await run(["component", "push", dir]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain("unchanged");
    expect(again.out).toContain("already uploaded");

    writeFileSync(
      join(dir, "component.ts"),
      readFileSync(join(dir, "component.ts"), "utf8").replace('"hello"', '"hi"'),
    );
    const changed = await run(["component", "push", dir]);
    expect(changed.code).toBe(1);
    expect(changed.err).toContain("model.mine:0.1.0-dev was pushed before with other code");
    expect(changed.err).toContain("raise componentId.version");
    spec.componentId.version = "0.2.0";
    writeFileSync(join(dir, "component.json"), JSON.stringify(spec));
    const next = await run(["component", "push", dir]);
    expect(next.code, next.err).toBe(0);
    expect(next.out).toContain("component model.mine:0.2.0-dev registered");
  });

  it("runs the project's tests on the SDK the CLI ships, and fails when they fail", async () => {
    const dir = join(work, "tested");
    expect((await run(["component", "init", dir])).code).toBe(0);
    const passed = await run(["component", "test", dir]);
    expect(passed.code, passed.out + passed.err).toBe(0);
    expect(passed.out).toContain("# pass 2");
    writeFileSync(
      join(dir, "component.ts"),
      readFileSync(join(dir, "component.ts"), "utf8").replace("length: input.text.length", "length: 0"),
    );
    const failed = await run(["component", "test", dir]);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain("# fail 1");
    expect(failed.out).toContain("answers a task with its greeting");
    const none = join(work, "untested");
    expect((await run(["component", "init", none])).code).toBe(0);
    rmSync(join(none, "component.test.ts"));
    expect((await run(["component", "test", none])).err).toContain("has no test files");
  });

  it("bundles the project's own dependencies from its node_modules", async () => {
    const dir = join(work, "with-deps");
    expect((await run(["component", "init", dir, "--type", "tool"])).code).toBe(0);
    writeModule(
      join(dir, "node_modules/shout-it"),
      { name: "shout-it" },
      "module.exports = (s) => s.toUpperCase() + '!';\n",
    );
    writeFileSync(
      join(dir, "component.ts"),
      `import { defineComponent } from "@aios/instance-sdk";\nimport shout from "shout-it";\nexport default defineComponent({ infer: (input) => ({ out: shout(String(input.text)) }) });\n`,
    );
    const push = await run(["component", "push", dir]);
    expect(push.code, push.err).toBe(0);
    expect(push.out).toContain("component tool.with-deps:0.1.0-dev registered");
    expect(readFileSync(join(dir, ".aios/component.mjs"), "utf8")).toContain('toUpperCase() + "!"');
  });

  it("refuses native addons, naming them, and registers nothing", async () => {
    const dir = join(work, "native");
    expect((await run(["component", "init", dir])).code).toBe(0);
    writeModule(
      join(dir, "node_modules/fast-thing"),
      { name: "fast-thing", dependencies: { bindings: "1.5.0" } },
      "module.exports = {};\n",
    );
    writeModule(join(dir, "node_modules/gyp-thing"), { name: "gyp-thing" }, "module.exports = {};\n");
    writeFileSync(join(dir, "node_modules/gyp-thing/binding.gyp"), "{}");
    writeFileSync(
      join(dir, "component.ts"),
      `import { defineComponent } from "@aios/instance-sdk";\nimport a from "fast-thing";\nimport b from "gyp-thing";\nexport default defineComponent({ infer: () => ({ a: String(a), b: String(b) }) });\n`,
    );
    const push = await run(["component", "push", dir]);
    expect(push.code).toBe(2);
    expect(push.err).toContain("package fast-thing: it loads a native addon (it depends on bindings)");
    expect(push.err).toContain("package gyp-thing: it builds a native addon (binding.gyp)");
    await expect(api.caller().components.get({ componentURI: "model.native:0.1.0-dev" })).rejects.toThrow();
  });

  it("refuses a bad project before sending anything, naming the file and field", async () => {
    const dir = join(work, "bad");
    expect((await run(["component", "init", dir])).code).toBe(0);
    const spec = JSON.parse(readFileSync(join(dir, "component.json"), "utf8"));
    writeFileSync(
      join(dir, "component.json"),
      JSON.stringify({ ...spec, componentId: { ...spec.componentId, version: "one" } }),
    );
    const badVersion = await run(["component", "push", dir]);
    expect(badVersion.code).toBe(2);
    expect(badVersion.err).toContain("component.json: componentId.version: must be");
    writeFileSync(join(dir, "component.json"), JSON.stringify({ ...spec, runtime: { entry: "x.ts" } }));
    expect((await run(["component", "push", dir])).err).toContain("runtime.entry must not be given");
    writeFileSync(join(dir, "component.json"), JSON.stringify(spec));
    writeFileSync(join(dir, "component.ts"), "export default {;\n");
    const broken = await run(["component", "push", dir]);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/does not bundle:\n\s+component\.ts:1:\d+: /);
    expect((await run(["component", "push", join(work, "nowhere")])).err).toContain(
      "nowhere/component.json not found",
    );
    expect((await run(["component", "init", dir])).err).toContain("is not empty");
    expect((await run(["component", "init", join(work, "x"), "--type", "dataset"])).err).toContain(
      "--type must be model or tool",
    );
    await expect(api.caller().assets.list()).resolves.toHaveLength(3);
  });
});
