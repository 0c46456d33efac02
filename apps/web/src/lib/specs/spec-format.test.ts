import type { TSpecStoreRecord } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { doesOf, isTemplated, matchesSpecFilter } from "./spec-format";

const spec = (over: Partial<TSpecStoreRecord> = {}): TSpecStoreRecord => ({
  specURI: "svc:1.0.0-stable",
  name: "svc",
  version: "1.0.0",
  releaseTag: "stable",
  templateUri: "one-model-service:1.0.0-stable",
  action: null,
  description: "the shouting service",
  tags: ["edge"],
  metadata: {},
  document: {},
  createdBy: null,
  createdAt: "2026-12-13T00:00:00.000Z",
  ...over,
});

describe("stored specs in the console", () => {
  it("says what applying does: the action, or the template that expands it", () => {
    expect(doesOf(spec())).toBe("template one-model-service:1.0.0-stable");
    expect(doesOf(spec({ templateUri: "Parser/V1", action: "createBlock" }))).toBe("createBlock");
    expect(isTemplated(spec({ templateUri: "Parser/V1" }))).toBe(false);
  });

  it("filters on URI, what it does, description and tags, ignoring case", () => {
    for (const q of ["SVC:1", "one-model", "shouting", "edge", ""])
      expect(matchesSpecFilter(spec(), q)).toBe(true);
    expect(matchesSpecFilter(spec(), "cluster")).toBe(false);
  });
});
