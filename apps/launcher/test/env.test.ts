import { describe, expect, it } from "vitest";
import { loadLauncherEnv } from "../src/env";

describe("launcher environment", () => {
  it("keeps the data under <repo>/.aios by default, with an embedded database", () => {
    const env = loadLauncherEnv("/srv/aios", {});
    expect(env.home).toBe("/srv/aios/.aios");
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("accepts a PostgreSQL of your own", () => {
    for (const url of ["postgres://u:p@db:5432/aios", "postgresql://u:p@db/aios"])
      expect(loadLauncherEnv("/srv/aios", { DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });

  it.each(["mysql://u:p@db/aios", "not a url"])("refuses DATABASE_URL=%s, saying what it must be", (url) => {
    expect(() => loadLauncherEnv("/srv/aios", { DATABASE_URL: url })).toThrow(
      "DATABASE_URL: DATABASE_URL must be a postgres:// or postgresql:// URL",
    );
  });

  it("logs at info unless AIOS_LOG_LEVEL says otherwise, and names it when it is wrong", () => {
    expect(loadLauncherEnv("/srv/aios", {}).AIOS_LOG_LEVEL).toBe("info");
    expect(loadLauncherEnv("/srv/aios", { AIOS_LOG_LEVEL: "debug" }).AIOS_LOG_LEVEL).toBe("debug");
    expect(() => loadLauncherEnv("/srv/aios", { AIOS_LOG_LEVEL: "loud" })).toThrow(/AIOS_LOG_LEVEL: /);
  });

  it("listens on loopback with a local agent unless told otherwise", () => {
    const env = loadLauncherEnv("/srv/aios", {});
    expect(env.AIOS_HOST).toBe("127.0.0.1");
    expect(env.AIOS_AGENT).toBe("1");
    expect(env.AIOS_REDIS_PORT).toBeUndefined();
  });

  it("listens off loopback (a management host) only in token mode, naming AIOS_HOST", () => {
    expect(() => loadLauncherEnv("/srv/aios", { AIOS_HOST: "10.211.0.2" })).toThrow(
      /AIOS_HOST: 10\.211\.0\.2 is not a loopback address and AIOS_AUTH is "open"/,
    );
    const env = loadLauncherEnv("/srv/aios", {
      AIOS_HOST: "10.211.0.2",
      AIOS_AUTH: "token",
      AIOS_AGENT: "0",
      AIOS_REDIS_PORT: "6379",
    });
    expect(env).toMatchObject({ AIOS_HOST: "10.211.0.2", AIOS_AGENT: "0", AIOS_REDIS_PORT: 6379 });
  });
});
