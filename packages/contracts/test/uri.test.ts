import { describe, expect, it } from "vitest";
import {
  formatComponentUri,
  formatPolicyRuleUri,
  formatVdagUri,
  parseComponentUri,
  parsePolicyRuleUri,
  parseVdagUri,
} from "../src/index";

describe("component URI", () => {
  it("parses the reference example", () => {
    expect(parseComponentUri("model.object-detector:2.0.0-stable")).toEqual({
      ok: true,
      value: { componentType: "model", name: "object-detector", version: "2.0.0", releaseTag: "stable" },
    });
  });

  it.each([
    "model.object-detector:2.0.0-stable",
    "tool.http_proxy:1-beta",
    "model.yolo-v8:1.2-rc1",
    "model.echo:1.0.0.rc1-stable",
    "llm.x:0.0.1+build.7-nightly",
  ])("round-trips %s", (uri) => {
    const parsed = parseComponentUri(uri);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(formatComponentUri(parsed.value)).toBe(uri);
  });

  it("takes the release tag after the LAST '-'", () => {
    const parsed = parseComponentUri("model.a-b:1.0-stable");
    expect(parsed.ok && parsed.value).toEqual({
      componentType: "model",
      name: "a-b",
      version: "1.0",
      releaseTag: "stable",
    });
  });

  it.each([
    ["model-object-detector:2.0.0-stable", "missing '.' between componentType and name"],
    ["model.object-detector", "missing ':' before the version"],
    ["model.object-detector:2.0.0", "missing '-<releaseTag>'"],
    ["model.object.detector:2.0.0-stable", 'name "object.detector"'],
    ["1model.x:1.0-stable", 'componentType "1model"'],
    ["model.x:1.0-rc1-stable", 'version "1.0-rc1"'],
    ["model.x:v1-stable", 'version "v1"'],
    ["model.x:1.0-", 'release tag ""'],
    ["model.x:1.0:2-stable", "more than one ':'"],
    [".x:1.0-stable", 'componentType ""'],
  ])("rejects %s naming the wrong part", (uri, reason) => {
    const parsed = parseComponentUri(uri);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toContain(reason);
      expect(parsed.error).toContain(JSON.stringify(uri));
    }
  });
});

describe("policy rule and vDAG URIs", () => {
  it("parses the reference examples", () => {
    expect(parsePolicyRuleUri("ip_allowlist:1.0-beta")).toEqual({
      ok: true,
      value: { name: "ip_allowlist", version: "1.0", releaseTag: "beta" },
    });
    expect(parseVdagUri("pose-estimator:0.0.1-stable")).toEqual({
      ok: true,
      value: { name: "pose-estimator", version: "0.0.1", releaseTag: "stable" },
    });
  });

  it.each(["ip_allowlist:1.0-beta", "org.aios.round-robin:2.1.0-stable", "a:1-b"])(
    "round-trips %s",
    (uri) => {
      const p = parsePolicyRuleUri(uri);
      const v = parseVdagUri(uri);
      if (!p.ok || !v.ok) throw new Error("parse failed");
      expect(formatPolicyRuleUri(p.value)).toBe(uri);
      expect(formatVdagUri(v.value)).toBe(uri);
    },
  );

  it("allows dots in the name", () => {
    const p = parsePolicyRuleUri("org.aios.lb:1.0-stable");
    expect(p.ok && p.value.name).toBe("org.aios.lb");
  });

  it("names the wrong part", () => {
    const noTag = parsePolicyRuleUri("ip_allowlist:1.0");
    expect(!noTag.ok && noTag.error).toContain("missing '-<releaseTag>'");
    const badName = parseVdagUri("pose estimator:1.0-stable");
    expect(!badName.ok && badName.error).toContain('vdagName "pose estimator"');
    const badVersion = parsePolicyRuleUri("rule:latest-stable");
    expect(!badVersion.ok && badVersion.error).toContain('version "latest"');
  });
});
