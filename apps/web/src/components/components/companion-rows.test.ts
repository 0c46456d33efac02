import { describe, expect, it } from "vitest";
import { companionRows } from "./companion-rows";

describe("a component's init containers and side-cars on its page", () => {
  it("lists the init containers in their order, then the side-cars, variables by name only", () => {
    const rows = companionRows({
      entry: "x/index.ts",
      initContainers: [
        { name: "prepare", entry: "x/prepare.ts", args: ["--fast"], env: { TOKEN: "s3cret" } },
      ],
      sidecars: [
        { name: "stamp", entry: "x/stamp.ts", ports: [{ name: "stamp" }, { name: "admin" }] },
        { name: "proxy", containerImage: "envoy:1.30" },
      ],
    });
    expect(rows).toEqual([
      {
        kind: "init container",
        name: "prepare",
        program: "x/prepare.ts",
        args: "--fast",
        ports: "",
        env: "TOKEN",
      },
      { kind: "side-car", name: "stamp", program: "x/stamp.ts", args: "", ports: "stamp, admin", env: "" },
      { kind: "side-car", name: "proxy", program: "envoy:1.30", args: "", ports: "", env: "" },
    ]);
    expect(JSON.stringify(rows)).not.toContain("s3cret");
  });

  it("shows nothing for a component without them, or with a runtime of another shape", () => {
    expect(companionRows(undefined)).toEqual([]);
    expect(companionRows({ sidecars: "not a list" })).toEqual([]);
  });
});
