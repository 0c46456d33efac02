import { ZContainerRegistryCreate } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { registryCreateOf } from "./registry-form";

const EMPTY = { containerRegistryId: "", url: "", username: "", password: "", tags: "" };

describe("registryCreateOf", () => {
  it("sends an anonymous registry without credentials", () => {
    const input = registryCreateOf({ ...EMPTY, containerRegistryId: " ghcr ", url: " ghcr.io " });
    expect(input).toEqual({ containerRegistryId: "ghcr", url: "ghcr.io" });
    expect(ZContainerRegistryCreate.safeParse(input).success).toBe(true);
  });

  it("keeps the password exactly as typed and splits tags", () => {
    const input = registryCreateOf({
      containerRegistryId: "private",
      url: "registry.local:5000",
      username: " ci ",
      password: " s3cret ",
      tags: "team-a, prod  gpu",
    });
    expect(input).toEqual({
      containerRegistryId: "private",
      url: "registry.local:5000",
      username: "ci",
      password: " s3cret ",
      tags: ["team-a", "prod", "gpu"],
    });
  });

  it("leaves a lone username for the API to refuse, naming the password", () => {
    const input = registryCreateOf({ ...EMPTY, containerRegistryId: "r", url: "ghcr.io", username: "ci" });
    const parsed = ZContainerRegistryCreate.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["password"]);
  });
});
