import { describe, expect, it } from "vitest";
import { checkConsoleListen, listenHostOf } from "./listen-check";

describe("the console's listen address", () => {
  it.each([
    [["node", "next", "start", "-p", "3000", "-H", "127.0.0.1"], "127.0.0.1"],
    [["node", "next", "start", "--hostname", "::1"], "::1"],
    [["node", "next", "start", "--hostname=10.0.0.2"], "10.0.0.2"],
    [["node", "next", "start", "-H0.0.0.0"], "0.0.0.0"],
    // Next.js listens on every interface when no host is given.
    [["node", "next", "start", "-p", "3000"], "0.0.0.0"],
  ])("%j listens on %s", (argv, host) => {
    expect(listenHostOf(argv)).toBe(host);
  });

  it("starts on loopback in open mode", () => {
    expect(() => checkConsoleListen(["next", "start", "-H", "127.0.0.1"], {})).not.toThrow();
  });

  it("starts off loopback with AIOS_AUTH=token", () => {
    expect(() =>
      checkConsoleListen(["next", "start", "-H", "0.0.0.0"], { AIOS_AUTH: "token" }),
    ).not.toThrow();
  });

  it.each([
    [["next", "start", "-H", "0.0.0.0"], "0.0.0.0"],
    [["next", "start"], "0.0.0.0"],
    [["next", "start", "-H", "192.168.1.20"], "192.168.1.20"],
  ])("refuses %j in open mode, saying how to turn auth on", (argv, host) => {
    expect(() => checkConsoleListen(argv, { AIOS_AUTH: "open" })).toThrow(
      `console: refusing to start (next start --hostname):\n  hostname: ${host} is not a loopback address and AIOS_AUTH is "open" (every caller an admin): set AIOS_AUTH=token`,
    );
  });

  it("names AIOS_AUTH when it is neither open nor token", () => {
    expect(() => checkConsoleListen(["next", "start", "-H", "127.0.0.1"], { AIOS_AUTH: "none" })).toThrow(
      /AIOS_AUTH: /,
    );
  });
});
