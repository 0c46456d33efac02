import { describe, expect, it } from "vitest";
import { podNameOf, podOf, tokenSecretOf } from "../../src/drivers/kubernetes/pod-spec";
import { assetFetchTokens } from "../../src/drivers/kubernetes/pushed-code";
import { settings } from "./pod-settings";

describe("the pod of a component's pushed code", () => {
  const sha256 = "ab".repeat(32);
  const spec = {
    name: "pushed-1-in-aaaa",
    kind: "instance" as const,
    entry: "",
    bundle: `/var/lib/aios/assets/${sha256}/component.mjs`,
    asset: { assetURI: "model.mine:0.1.0-dev", sha256 },
    env: { BLOCK_ID: "pushed-1" },
    gpus: [],
    memoryMb: 512,
    controlToken: "ctl-secret",
    dataToken: "data-secret",
  };
  const s = { ...settings, assetsUrl: "http://aios-api.aios:4000" };
  const pod = podOf(s, spec, null, podNameOf(spec.name));
  const [init] = pod.spec?.initContainers ?? [];
  const [main] = pod.spec?.containers ?? [];
  const envOf = (c: typeof init) =>
    Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

  it("fetches the bundle by digest in an init container of the AIOS image, into a volume of its own", () => {
    expect(pod.spec?.volumes).toEqual([{ name: "component", emptyDir: { sizeLimit: "1Gi" } }]);
    expect(init).toMatchObject({
      name: "fetch-component",
      image: "registry.example/aios:1.0",
      command: ["node", "--import", "tsx", "/app/apps/agents/src/drivers/kubernetes/fetch-component-main.ts"],
      workingDir: "/app",
      volumeMounts: [{ name: "component", mountPath: "/aios/component" }],
    });
    expect(envOf(init)).toMatchObject({
      AIOS_ASSETS_URL: "http://aios-api.aios:4000",
      AIOS_ASSET_SHA256: sha256,
      AIOS_COMPONENT_DIR: "/aios/component",
      AIOS_INSTANCE_SDK: "/app/packages/instance-sdk",
      AIOS_ASSET_TOKEN: { secretKeyRef: { name: "pushed-1-in-aaaa-tokens", key: "AIOS_ASSET_TOKEN" } },
    });
  });

  it("runs the bundle from the volume, read-only, through tsx, with its heap limit; it never sees the fetch token", () => {
    expect(main?.command).toEqual([
      "node",
      "--max-old-space-size=512",
      "--import",
      "tsx",
      "/aios/component/component.mjs",
    ]);
    expect(main?.volumeMounts).toEqual([{ name: "component", mountPath: "/aios/component", readOnly: true }]);
    expect(Object.keys(envOf(main))).not.toContain("AIOS_ASSET_TOKEN");
    expect(JSON.stringify(main)).not.toContain("AIOS_ASSET_TOKEN");
  });

  it("keeps the fetch token in the pod's Secret beside its tokens", () => {
    const secret = tokenSecretOf(s, spec, podNameOf(spec.name), "aios_fetch");
    expect(secret?.stringData).toMatchObject({
      AIOS_ASSET_TOKEN: "aios_fetch",
      AIOS_CONTROL_TOKEN: "ctl-secret",
    });
    expect(
      tokenSecretOf(s, { ...spec, controlToken: undefined, dataToken: undefined }, "p", "aios_fetch"),
    ).not.toBeNull();
  });

  it("cannot be made without the API's address for pods", () => {
    expect(() => podOf(settings, spec, null, podNameOf(spec.name))).toThrow(/no assetsUrl/);
  });

  it("asks for one fetch token per digest, however many pods start at once, and again after a failure", async () => {
    const asked: string[] = [];
    let fail = true;
    const tokens = assetFetchTokens(async (digest) => {
      asked.push(digest);
      if (fail) throw new Error("API away");
      return `token-${asked.length}`;
    });
    await expect(tokens.of(sha256)).rejects.toThrow("API away");
    fail = false;
    const both = await Promise.all([tokens.of(sha256), tokens.of(sha256)]);
    expect(both).toEqual(["token-2", "token-2"]);
    expect(asked).toEqual([sha256, sha256]);
    await expect(assetFetchTokens(undefined).of(sha256)).rejects.toThrow(/no way to get fetch tokens/);
  });
});
