import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { useApi } from "./harness";

const components = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../examples/specs/components.json"), "utf8"),
) as unknown[];

describe("registries", () => {
  const api = useApi();
  beforeAll(async () => {
    for (const document of components) await api.caller().parser.applySpec({ document });
  });

  it("searches with LIKE and AND over the stored documents", async () => {
    const found = await api.caller().components.search({
      filter: {
        logicalOperator: "AND",
        conditions: [
          { variable: "componentType", operator: "==", value: "model" },
          { variable: "componentId.name", operator: "LIKE", value: "*E*" },
        ],
      },
    });
    expect(found.map((c) => c.componentURI).sort()).toEqual([
      "model.echo:1.0.0-stable",
      "model.language-detect:1.0.0-stable",
      "model.text-sentiment:1.0.0-stable",
    ]);
  });

  it("searches with OR, IN, array membership and negation", async () => {
    const search = (filter: unknown) =>
      api
        .caller()
        .components.search({ filter: filter as never })
        .then((rows) => rows.map((r) => r.componentURI).sort());
    expect(await search({ variable: "tags", operator: "==", value: "proxy" })).toEqual([
      "tool.http-proxy:1.0.0-stable",
    ]);
    expect(
      await search({
        variable: "componentId.name",
        operator: "IN",
        value: ["echo", "http-proxy", "unknown"],
      }),
    ).toEqual(["model.echo:1.0.0-stable", "tool.http-proxy:1.0.0-stable"]);
    expect(
      await search({
        logicalOperator: "OR",
        conditions: [
          { variable: "componentType", operator: "==", value: "tool" },
          { variable: "componentId.name", operator: "==", value: "echo" },
        ],
      }),
    ).toEqual(["model.echo:1.0.0-stable", "tool.http-proxy:1.0.0-stable", "tool.kv-store:1.0.0-stable"]);
    expect(await search({ variable: "componentType", operator: "!=", value: "model" })).toEqual([
      "tool.http-proxy:1.0.0-stable",
      "tool.kv-store:1.0.0-stable",
    ]);
  });

  it("treats values as data, never as SQL", async () => {
    const found = await api.caller().components.search({
      filter: { variable: "componentType", operator: "==", value: "model' OR '1'='1" },
    });
    expect(found).toEqual([]);
    expect(await api.caller().components.list()).toHaveLength(5);
  });

  it("rejects a variable that is not a dotted path, naming the field", async () => {
    const err = await api
      .caller()
      .components.search({ filter: { variable: "doc; DROP TABLE components", operator: "==", value: 1 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    expect(await api.caller().components.list()).toHaveLength(5);
  });

  it("pages lists and reports unknown keys as not found", async () => {
    const page = await api.caller().components.list({ limit: 2, offset: 1 });
    expect(page.map((c) => c.componentURI)).toEqual([
      "model.language-detect:1.0.0-stable",
      "model.text-sentiment:1.0.0-stable",
    ]);
    const err = await api
      .caller()
      .components.get({ componentURI: "model.none:1.0.0-stable" })
      .catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe("NOT_FOUND");
  });
});
