import { describe, expect, it } from "vitest";
import { prettyLine } from "../src/pretty";

describe("prettyLine", () => {
  it("renders a JSON log line as time, source, level, message and fields", () => {
    const line = JSON.stringify({
      ts: "2026-11-29T12:00:01.000Z",
      level: "info",
      service: "api",
      msg: "api listening",
      port: 4000,
    });
    expect(prettyLine("api", line, false)).toBe("12:00:01 api      info  api listening  port=4000");
  });

  it("passes other lines through under their source", () => {
    expect(prettyLine("web", "▲ Next.js 16", false)).toBe("web      ▲ Next.js 16");
  });
});
