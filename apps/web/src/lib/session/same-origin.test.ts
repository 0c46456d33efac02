import { describe, expect, it } from "vitest";
import { crossSiteReason } from "./same-origin";

const request = (method: string, headers: Record<string, string>) =>
  new Request("http://127.0.0.1:3000/trpc/blocks.scale", { method, headers });

describe("crossSiteReason", () => {
  it("lets reads through whatever their origin", () => {
    expect(
      crossSiteReason(request("GET", { origin: "https://evil.example", host: "127.0.0.1:3000" })),
    ).toBeNull();
  });

  it("lets a POST from the console's own origin through, and one without a browser's headers", () => {
    expect(
      crossSiteReason(
        request("POST", {
          origin: "http://127.0.0.1:3000",
          host: "127.0.0.1:3000",
          "sec-fetch-site": "same-origin",
        }),
      ),
    ).toBeNull();
    expect(crossSiteReason(request("POST", { host: "127.0.0.1:3000" }))).toBeNull();
  });

  it("refuses a POST from another origin or another site, naming it", () => {
    expect(
      crossSiteReason(request("POST", { origin: "https://evil.example", host: "127.0.0.1:3000" })),
    ).toMatch(/from origin https:\/\/evil\.example: the console is at 127\.0\.0\.1:3000/);
    expect(
      crossSiteReason(request("POST", { "sec-fetch-site": "cross-site", host: "127.0.0.1:3000" })),
    ).toMatch(/Sec-Fetch-Site: cross-site/);
    expect(crossSiteReason(request("DELETE", { origin: "null", host: "127.0.0.1:3000" }))).toMatch(/Origin/);
  });

  it("compares with the host a reverse proxy forwarded", () => {
    const headers = { origin: "https://aios.example", host: "web:3000", "x-forwarded-host": "aios.example" };
    expect(crossSiteReason(request("POST", headers))).toBeNull();
  });
});
