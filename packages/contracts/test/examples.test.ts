import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { componentUriOf, parseSpecDocument } from "../src/index";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), "utf8"));

describe("example specs", () => {
  it("local-cluster.json is a createCluster for cluster local", () => {
    const result = parseSpecDocument(readJson("examples/specs/local-cluster.json"));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.action).toBe("createCluster");
    if (result.action !== "createCluster") return;
    expect(result.values.id).toBe("local");
    expect(result.values.regionId).toBe("local");
    expect(result.values.config.publicHostname).toBe("127.0.0.1");
  });

  it("components.json registers the example components with runnable entries", () => {
    const docs = readJson("examples/specs/components.json");
    expect(Array.isArray(docs)).toBe(true);
    const uris: string[] = [];
    for (const d of docs as unknown[]) {
      const result = parseSpecDocument(d);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      if (result.action !== "registerComponent") throw new Error(`unexpected action ${result.action}`);
      const uri = componentUriOf(result.values);
      uris.push(uri);
      const name = result.values.componentId.name;
      // A managed third-party system is reached through the proxy; its own program is the init step.
      const program = result.values.runtime?.init ? "http-proxy" : name;
      expect(result.values.runtime?.entry).toBe(`examples/components/${program}/index.ts`);
      if (result.values.runtime?.init) {
        expect(result.values.runtime.init.entry).toBe(`examples/components/${name}/manage.ts`);
      }
      if (uri === "tool.http-proxy:1.0.0-stable") {
        expect(result.values.containerRegistryInfo.componentMode).toBe("third_party");
        expect(result.values.componentParameters).toHaveProperty("url");
      }
    }
    expect(uris).toEqual([
      "model.echo:1.0.0-stable",
      "model.text-sentiment:1.0.0-stable",
      "model.language-detect:1.0.0-stable",
      "tool.http-proxy:1.0.0-stable",
      "tool.kv-store:1.0.0-stable",
    ]);
  });

  it("every JSON file in examples/specs parses", () => {
    for (const file of readdirSync(join(root, "examples/specs")).filter((f) => f.endsWith(".json"))) {
      const content = readJson(`examples/specs/${file}`);
      for (const d of Array.isArray(content) ? content : [content]) {
        const result = parseSpecDocument(d);
        expect(result.ok ? [] : result.errors, file).toEqual([]);
      }
    }
  });
});

describe("client safety", () => {
  it("src imports nothing from node: and nothing but zod and Ajv (both run in browsers), but for the Node-only files/", () => {
    const srcDir = join(root, "packages/contracts/src");
    const files = readdirSync(srcDir, { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith(".ts") && !f.startsWith("files/"),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(join(srcDir, file), "utf8");
      const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1] ?? "");
      for (const spec of imports)
        expect(
          spec === "zod" || spec === "ajv/dist/2020.js" || spec.startsWith("."),
          `${file}: ${spec}`,
        ).toBe(true);
      // The Node-only subpath stays out of what the console imports.
      expect(
        imports.some((spec) => spec.startsWith("./files")),
        file,
      ).toBe(false);
    }
  });
});
