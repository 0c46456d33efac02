import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../../apps/api/test/harness";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
/** npm's own variables (from an `npm test` above us) must not steer the install in the temp dir. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_")));

/** `aios <args>` of the installed package, as a user runs it: exit code and output, never a throw. */
async function aios(cwd: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run("npx", ["--offline", "aios", ...args], {
      cwd,
      env: { ...cleanEnv, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("the packed @aios/client (npm pack, npm install outside the repository)", () => {
  const api = useApiServer();
  const work = mkdtempSync(join(tmpdir(), "aios-client-pack-"));
  const app = join(work, "app");

  beforeAll(async () => {
    // prepack bundles the CLI, so the tarball has the sources as they are now.
    await run("npm", ["pack", "-w", "@aios/client", "--pack-destination", work], {
      cwd: ROOT,
      env: cleanEnv,
    });
    const [tarball] = readdirSync(work).filter((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "cli-user", private: true }));
    // esbuild (a dependency: `aios component push` bundles with it) comes from npm's cache, or from
    // the registry the repository's own install used when the cache lacks its metadata.
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, tarball)], {
      cwd: app,
      env: cleanEnv,
    });
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("installs with esbuild alone beside it: its other dependencies are inside its bundle", () => {
    expect(
      readdirSync(join(app, "node_modules"))
        .filter((d) => !d.startsWith("."))
        .sort(),
    ).toEqual(["@aios", "@esbuild", "esbuild"]);
    expect(readdirSync(join(app, "node_modules/@aios"))).toEqual(["client"]);
    expect(readdirSync(join(app, "node_modules/@aios/client")).sort()).toEqual([
      "README.md",
      "bin",
      "dist",
      "package.json",
    ]);
  });

  it("prints its usage with --help", async () => {
    const r = await aios(app, ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("aios — the AIOS command line");
    expect(r.stdout).toContain("aios get KIND [ID]");
  });

  it("applies a cluster and lists it from a real API", async () => {
    const spec = join(work, "cluster.json");
    const cluster = doc("createCluster", {
      id: "packed-cli",
      tags: [],
      config: { publicHostname: "127.0.0.1" },
    });
    writeFileSync(spec, JSON.stringify(cluster));
    const env = { AIOS_API_URL: api.url };
    expect((await aios(app, ["apply", "-f", spec], env)).code).toBe(0);
    const listed = await aios(app, ["get", "clusters", "-o", "json"], env);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((c) => c.id)).toContain("packed-cli");
  });

  it("makes a component project outside the repository and pushes it", async () => {
    const env = { AIOS_API_URL: api.url };
    const init = await aios(app, ["component", "init", "./mine"], env);
    expect(init.code, init.stderr).toBe(0);
    // Its tests run on the SDK the package ships: no repository, no isolated-vm installed.
    const tested = await aios(app, ["component", "test", "./mine"], env);
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toContain("# pass 2");
    const push = await aios(app, ["component", "push", "./mine"], env);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toContain("component model.mine:0.1.0-dev registered");
    const component = await api.caller().components.get({ componentURI: "model.mine:0.1.0-dev" });
    expect(component.doc.runtime).toMatchObject({ asset: { assetURI: "model.mine:0.1.0-dev" } });
  });

  it("names the API it cannot reach and exits 1", async () => {
    const url = `http://127.0.0.1:${await findFreePort()}`;
    const r = await aios(app, ["get", "clusters"], { AIOS_API_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: cannot reach the API at ${url} (connect ECONNREFUSED`);
    expect(r.stderr).toContain("AIOS_API_URL");
  });
});
