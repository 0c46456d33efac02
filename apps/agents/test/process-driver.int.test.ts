import { mkdtempSync, statSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createProcessDriver } from "../src/drivers/process-driver";
import { driverContract } from "./driver-contract";

const logDir = mkdtempSync(join(tmpdir(), "aios-driver-"));
driverContract("process", () =>
  createProcessDriver({ repoRoot: resolve(import.meta.dirname, "../../.."), stateDir: logDir }),
);

describe("process driver's workload records", () => {
  it("are 0600 in a 0700 directory: they hold control tokens", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "aios-driver-mode-"));
    const driver = createProcessDriver({ repoRoot: resolve(import.meta.dirname, "../../.."), stateDir });
    const w = await driver.start({
      name: "hello-mode",
      kind: "instance" as const,
      entry: "apps/agents/test/fixtures/http-hello.ts",
      env: {},
      gpus: [],
      controlToken: "token-of-hello-mode-0123456789",
    });
    try {
      expect(statSync(join(stateDir, "workloads")).mode & 0o777).toBe(0o700);
      expect(statSync(join(stateDir, "workloads", "hello-mode.json")).mode & 0o777).toBe(0o600);
    } finally {
      await w.stop();
    }
  });
});

describe("process driver's workload environment", () => {
  it("gives every workload the agent's AIOS_MAX_BODY_MB, over whatever its spec or the agent inherited", async () => {
    const driver = createProcessDriver({
      repoRoot: resolve(import.meta.dirname, "../../.."),
      stateDir: mkdtempSync(join(tmpdir(), "aios-driver-body-")),
      maxBodyMb: 7,
    });
    const w = await driver.start({
      name: "hello-body",
      kind: "instance" as const,
      entry: "apps/agents/test/fixtures/http-hello.ts",
      env: { AIOS_MAX_BODY_MB: "64" },
      gpus: [],
    });
    try {
      expect(await (await fetch(`${w.endpoint}/max-body-mb`)).json()).toEqual({ maxBodyMb: "7" });
    } finally {
      await w.stop();
    }
  });
});

/** This machine's first non-loopback IPv4 address, if it has one. */
const externalIp = Object.values(networkInterfaces())
  .flat()
  .find((a) => a?.family === "IPv4" && !a.internal)?.address;

describe.runIf(externalIp)("process driver on a node other machines reach", () => {
  const driver = (bindHost?: string) =>
    createProcessDriver({
      repoRoot: resolve(import.meta.dirname, "../../.."),
      stateDir: mkdtempSync(join(tmpdir(), "aios-driver-bind-")),
      host: externalIp,
      ...(bindHost ? { bindHost } : {}),
    });
  const hello = {
    kind: "instance" as const,
    entry: "apps/agents/test/fixtures/http-hello.ts",
    env: {},
    gpus: [],
  };

  it("listens on the bind address, so the endpoint it reports answers", async () => {
    const w = await driver("0.0.0.0").start({ name: "hello-bind", ...hello });
    try {
      expect(w.endpoint).toMatch(new RegExp(`^http://${externalIp?.replaceAll(".", "\\.")}:\\d+$`));
      expect(await (await fetch(w.endpoint)).json()).toEqual({ hello: "world" });
    } finally {
      await w.stop();
    }
  });

  it("stays on loopback by default: the same endpoint is not reachable from outside", async () => {
    const w = await driver().start({ name: "hello-loopback", ...hello });
    try {
      await expect(fetch(w.endpoint)).rejects.toThrow();
    } finally {
      await w.stop();
    }
  });
});
