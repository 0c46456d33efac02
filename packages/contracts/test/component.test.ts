import { describe, expect, it } from "vitest";
import { componentUriOf, ZComponentSpec } from "../src/index";
import { errorsOf, V, validComponent, valuesOf } from "./fixtures";

describe("registerComponent", () => {
  it("parses a minimal component and derives its URI", () => {
    const values = ZComponentSpec.parse(validComponent());
    expect(componentUriOf(values)).toBe("model.object-detector:2.0.0-stable");
  });

  it("normalises componentMode third-party to third_party and defaults to aios", () => {
    const spec = validComponent();
    const third = valuesOf("registerComponent", {
      ...spec,
      containerRegistryInfo: { ...spec.containerRegistryInfo, componentMode: "third-party" },
    });
    expect(third.containerRegistryInfo).toMatchObject({ componentMode: "third_party" });
    const plain = ZComponentSpec.parse({ ...spec, containerRegistryInfo: { containerImage: "img:1" } });
    expect(plain.containerRegistryInfo.componentMode).toBe("aios");
  });

  it("keeps unknown fields (users of the original carry extras)", () => {
    const values = valuesOf("registerComponent", { ...validComponent(), createdBy: "someone" });
    expect(values.createdBy).toBe("someone");
  });

  it("reports missing and mistyped componentId parts with full paths", () => {
    const errors = errorsOf("registerComponent", {
      ...validComponent(),
      componentId: { name: "x", version: 2 },
    });
    expect(errors).toEqual([
      { path: `${V}.componentId.version`, message: "expected a string, got number" },
      { path: `${V}.componentId.releaseTag`, message: "Required" },
    ]);
  });

  it("rejects a bad componentMode and a bad componentType", () => {
    const spec = validComponent();
    const errors = errorsOf("registerComponent", {
      ...spec,
      componentType: "my model",
      containerRegistryInfo: { containerImage: "img", componentMode: "external" },
    });
    expect(errors.map((e) => e.path)).toEqual([
      `${V}.componentType`,
      `${V}.containerRegistryInfo.componentMode`,
    ]);
    expect(errors[1]?.message).toBe('expected one of "aios", "third_party", got "external"');
  });

  it("validates protocol templates, including nested fields and regex patterns", () => {
    const errors = errorsOf("registerComponent", {
      ...validComponent(),
      componentInputProtocol: {
        text: { type: "text" },
        list: { type: "array", items: { type: "string", pattern: "([" } },
      },
    });
    expect(errors).toEqual([
      {
        path: `${V}.componentInputProtocol.text.type`,
        message: 'expected one of "string", "number", "boolean", "array", "object", "any", got "text"',
      },
      {
        path: `${V}.componentInputProtocol.list.items.pattern`,
        message: "must be a valid regular expression",
      },
    ]);
  });

  it("validates policies' URIs and the tags type", () => {
    const errors = errorsOf("registerComponent", {
      ...validComponent(),
      policies: { loadBalancer: { policyRuleURI: "round-robin" } },
      tags: "a,b",
    });
    expect(errors[0]?.path).toBe(`${V}.policies.loadBalancer.policyRuleURI`);
    expect(errors[0]?.message).toContain("missing ':' before the version");
    expect(errors[1]).toEqual({ path: `${V}.tags`, message: "expected an array, got string" });
  });

  it("needs runtime.entry or a container image", () => {
    const { containerRegistryInfo: _, ...noImage } = validComponent();
    expect(errorsOf("registerComponent", noImage)).toEqual([
      {
        path: `${V}.runtime.entry`,
        message:
          "Required: give runtime.entry (run as a process), runtime.asset (pushed code) or containerRegistryInfo.containerImage (run on Kubernetes)",
      },
    ]);
    const withEntry = valuesOf("registerComponent", {
      ...noImage,
      runtime: { entry: "examples/components/x/index.ts" },
    });
    expect(withEntry.runtime).toEqual({ entry: "examples/components/x/index.ts" });
  });

  it("takes pushed code (runtime.asset) instead of an entry, never both", () => {
    const { containerRegistryInfo: _, ...noImage } = validComponent();
    const asset = { assetURI: "model.mine:0.1.0-dev", sha256: "a".repeat(64) };
    expect(valuesOf("registerComponent", { ...noImage, runtime: { asset } }).runtime).toEqual({ asset });
    expect(
      errorsOf("registerComponent", { ...noImage, runtime: { asset: { ...asset, sha256: "ABC" } } }),
    ).toEqual([
      { path: `${V}.runtime.asset.sha256`, message: "must be a sha256 digest: 64 lowercase hex digits" },
    ]);
    expect(errorsOf("registerComponent", { ...noImage, runtime: { asset, entry: "x/index.ts" } })).toEqual([
      {
        path: `${V}.runtime.asset`,
        message:
          "give runtime.entry (a program of the installation) or runtime.asset (pushed code), not both",
      },
    ]);
  });

  it("names a container registry by a DNS label", () => {
    const bad = errorsOf("registerComponent", {
      ...validComponent(),
      containerRegistryInfo: { containerImage: "x/y:1", containerRegistryId: "Team Registry" },
    });
    expect(bad[0]?.path).toBe(`${V}.containerRegistryInfo.containerRegistryId`);
    expect(bad[0]?.message).toContain("lowercase letters, digits and '-'");
  });

  it("keeps runtime.entry and runtime.init.entry inside the component directory", () => {
    const withRuntime = (runtime: unknown) => errorsOf("registerComponent", { ...validComponent(), runtime });
    expect(withRuntime({ entry: "../../tmp/x/evil.mjs" })).toEqual([
      {
        path: `${V}.runtime.entry`,
        message: "must not contain a '..' segment: a component's program stays inside its directory",
      },
    ]);
    expect(withRuntime({ entry: "examples/components/../../../etc/x.mjs" })[0]?.path).toBe(
      `${V}.runtime.entry`,
    );
    expect(withRuntime({ entry: "/tmp/evil.mjs" })).toEqual([
      {
        path: `${V}.runtime.entry`,
        message: "must be relative to the component directory, not an absolute path",
      },
    ]);
    expect(withRuntime({ entry: "C:/evil.mjs" })[0]?.message).toMatch(/not an absolute path/);
    expect(withRuntime({ entry: "examples\\x.mjs" })[0]?.message).toMatch(/with '\/', not '\\'/);
    expect(withRuntime({ entry: "examples/x.mjs", init: { entry: "../manage.ts" } })).toEqual([
      {
        path: `${V}.runtime.init.entry`,
        message: "must not contain a '..' segment: a component's program stays inside its directory",
      },
    ]);
    // A name that merely starts with dots is a name, not a climb.
    expect(
      valuesOf("registerComponent", { ...validComponent(), runtime: { entry: "examples/..hidden/x.mjs" } })
        .runtime,
    ).toEqual({ entry: "examples/..hidden/x.mjs" });
  });
});
