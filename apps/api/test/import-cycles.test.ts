import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importCircles, importGraph } from "./import-graph";

const SRC = resolve(import.meta.dirname, "../src");

describe("the API's imports", () => {
  const graph = importGraph(SRC);

  it("reads the wiring's imports (the check sees what it guards)", () => {
    expect(graph.get("context.ts")).toEqual(["auth/principal.ts", "services.ts"]);
    expect(graph.get("services.ts")).toContain("domains/blocks/block.service.ts");
    expect(graph.get("domains/blocks/block.service.ts")).toContain("auth/principal.ts");
  });

  it("make no circle: services take the principal from auth/, never from the tRPC context", () => {
    expect(importCircles(graph)).toEqual([]);
  });

  it("leave context.ts to the transport: no service or domain module imports it", () => {
    const importers = [...graph].filter(([, targets]) => targets.includes("context.ts")).map(([f]) => f);
    expect(importers).toEqual(["trpc.ts"]);
  });
});

describe("importCircles", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-import-graph-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, code: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), code);
  };

  it("finds a circle closed by a type-only, multi-line import, and only that one", () => {
    write(
      "context.ts",
      'import type { Services } from "./services";\nexport interface Context { s: Services }\n',
    );
    write(
      "services.ts",
      'import { createBlocks } from "./domains/blocks.service";\nexport type Services = 1;\n',
    );
    write(
      "domains/blocks.service.ts",
      'import type {\n  Context,\n} from "../context";\nimport { z } from "zod";\nexport const createBlocks = 1;\n',
    );
    write("main.ts", 'import "./services";\nconst lazy = () => import("./context");\n');
    expect(importCircles(importGraph(dir))).toEqual([
      ["context.ts", "domains/blocks.service.ts", "services.ts"],
    ]);
  });
});
