import { mkdtempSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createProcessDriver } from "../src/drivers/process-driver";
import { driverContract } from "./driver-contract";

const logDir = mkdtempSync(join(tmpdir(), "aios-driver-"));
driverContract("process", () =>
  createProcessDriver({ repoRoot: resolve(import.meta.dirname, "../../.."), stateDir: logDir }),
);

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
  const hello = { entry: "apps/agents/test/fixtures/http-hello.ts", env: {}, gpus: [] };

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
