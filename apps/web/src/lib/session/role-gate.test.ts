import { describe, expect, it } from "vitest";
import { roleGate } from "./role-gate";

const as = (role: string) => ({ role, name: "n", tokenId: "t" });

describe("roleGate", () => {
  it("offers a control to its role and the ones above", () => {
    expect(roleGate(as("operator"), "operator")).toEqual({ disabled: false, reason: undefined });
    expect(roleGate(as("admin"), "operator").disabled).toBe(false);
    expect(roleGate(as("viewer"), "viewer").disabled).toBe(false);
  });

  it("disables it for a lower role, saying which role it needs", () => {
    expect(roleGate(as("viewer"), "operator")).toEqual({
      disabled: true,
      reason: "Needs the operator role; you are signed in as a viewer.",
    });
    expect(roleGate(as("operator"), "admin").reason).toBe(
      "Needs the admin role; you are signed in as an operator.",
    );
    expect(roleGate(as("agent"), "viewer").disabled).toBe(true);
    expect(roleGate(null, "viewer")).toEqual({
      disabled: true,
      reason: "Needs the viewer role; sign in first.",
    });
  });

  it("leaves it to the API while the principal is unknown", () => {
    expect(roleGate(undefined, "admin").disabled).toBe(false);
  });
});
