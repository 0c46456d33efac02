import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isLoopbackHost, parseEnv, refuseOpenAuthOffLoopback } from "../src";

const ZEnv = z
  .object({ HOST: z.string(), AIOS_AUTH: z.enum(["open", "token"]).default("open") })
  .superRefine((env, ctx) =>
    refuseOpenAuthOffLoopback({ host: env.HOST, auth: env.AIOS_AUTH, hostVariable: "HOST" }, ctx),
  );

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(["0.0.0.0", "::", "[::]", "10.0.0.5", "192.168.1.2", "example.com", "128.0.0.1", "localhost.evil"])(
    "%s is not loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe("refuseOpenAuthOffLoopback", () => {
  it("lets open mode listen on loopback", () => {
    expect(parseEnv(ZEnv, { HOST: "127.0.0.1" }, "bad")).toEqual({ HOST: "127.0.0.1", AIOS_AUTH: "open" });
  });

  it("lets token mode listen anywhere", () => {
    expect(parseEnv(ZEnv, { HOST: "0.0.0.0", AIOS_AUTH: "token" }, "bad").HOST).toBe("0.0.0.0");
  });

  it.each(["0.0.0.0", "::", "10.1.2.3"])(
    "refuses open mode on %s, naming the variable and how to turn auth on",
    (host) => {
      expect(() => parseEnv(ZEnv, { HOST: host }, "svc: invalid environment")).toThrow(
        `svc: invalid environment\n  HOST: ${host} is not a loopback address and AIOS_AUTH is "open" (every caller an admin): set AIOS_AUTH=token`,
      );
    },
  );
});
