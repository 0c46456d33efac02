import { describe, expect, it } from "vitest";
import { compareVersions, defaultDiffPair, nextPatchVersion, suggestNextVersion } from "./versions";

describe("policy versions", () => {
  it("bumps the patch of full, short and suffixed versions", () => {
    expect(nextPatchVersion("1.0.0")).toBe("1.0.1");
    expect(nextPatchVersion("1.4.9")).toBe("1.4.10");
    expect(nextPatchVersion("2")).toBe("2.0.1");
    expect(nextPatchVersion("1.2")).toBe("1.2.1");
    expect(nextPatchVersion("1.0.0.rc1")).toBe("1.0.1");
    expect(nextPatchVersion("1.0.3+build7")).toBe("1.0.4");
  });

  it("orders versions numerically", () => {
    expect(["1.0.10", "1.0.9", "2", "1.1"].sort(compareVersions)).toEqual(["1.0.9", "1.0.10", "1.1", "2"]);
    expect(compareVersions("1.0.0", "1.0.0")).toBe(0);
  });

  it("suggests the patch after the highest existing version, never a taken one", () => {
    expect(suggestNextVersion("1.0.0")).toBe("1.0.1");
    expect(suggestNextVersion("1.0.0", ["1.0.0", "1.0.1", "1.0.7"])).toBe("1.0.8");
    expect(suggestNextVersion("1.0.7", ["1.0.0"])).toBe("1.0.8");
    expect(suggestNextVersion("1.0", ["1.0", "1.0.1"])).toBe("1.0.2");
  });

  it("diffs a version against the one before it, the oldest against the one after it", () => {
    const newestFirst = ["p:1.0.2-stable", "p:1.0.1-stable", "p:1.0.0-stable"];
    expect(defaultDiffPair(newestFirst, "p:1.0.1-stable")).toEqual({
      original: "p:1.0.0-stable",
      modified: "p:1.0.1-stable",
    });
    expect(defaultDiffPair(newestFirst, "p:1.0.0-stable")).toEqual({
      original: "p:1.0.0-stable",
      modified: "p:1.0.1-stable",
    });
    expect(defaultDiffPair(["p:1-stable"], "p:1-stable")).toEqual({
      original: "p:1-stable",
      modified: "p:1-stable",
    });
    expect(defaultDiffPair([], "p:9-stable")).toEqual({ original: "p:9-stable", modified: "p:9-stable" });
  });
});
