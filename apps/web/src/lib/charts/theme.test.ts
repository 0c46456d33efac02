import { describe, expect, it } from "vitest";
import { formatValue } from "./theme";

describe("formatValue", () => {
  it("keeps numbers short and puts the unit where it reads naturally", () => {
    expect(formatValue(0.4213)).toBe("0.42");
    expect(formatValue(12)).toBe("12");
    expect(formatValue(12.345, "ms")).toBe("12.3 ms");
    expect(formatValue(1234)).toBe("1.2k");
    expect(formatValue(57.2, "%")).toBe("57.2%");
    expect(formatValue(0.5, "/s")).toBe("0.50/s");
    expect(formatValue(null)).toBe("—");
  });
});
