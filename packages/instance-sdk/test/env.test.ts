import { describe, expect, it } from "vitest";
import { DEFAULT_DRAIN_TIMEOUT_MS, InstanceEnvError, readInstanceEnv } from "../src/index";

const init = { blockId: "b1", instanceId: "i1", componentURI: "model.echo:1.0.0-stable" };
const env = (over: Record<string, string | undefined> = {}) => ({
  PORT: "9000",
  BLOCK_ID: "b1",
  INSTANCE_ID: "i1",
  AIOS_INIT_DATA: JSON.stringify(init),
  AIOS_CONTROL_TOKEN: "control-token-of-i1",
  AIOS_DATA_TOKEN: "data-token-of-i1-0123",
  ...over,
});

describe("readInstanceEnv", () => {
  it("reads the port and the init data with defaults", () => {
    const r = readInstanceEnv(env());
    expect(r.port).toBe(9000);
    expect(r.initData).toEqual({
      ...init,
      blockInitData: {},
      initSettings: {},
      parameters: {},
      policies: {},
    });
    expect(r.block).toBeUndefined();
    expect(r.host).toBe("127.0.0.1");
    expect(r.drainTimeoutMs).toBe(DEFAULT_DRAIN_TIMEOUT_MS);
    expect(r.maxBodyMb).toBe(16);
    expect(r.controlToken).toBe("control-token-of-i1");
    expect(readInstanceEnv(env({ AIOS_CONTROL_TOKEN: "none" })).controlToken).toBeNull();
    expect(r.dataToken).toBe("data-token-of-i1-0123");
    expect(readInstanceEnv(env({ AIOS_DATA_TOKEN: "none" })).dataToken).toBeNull();
    expect(readInstanceEnv(env({ AIOS_MAX_BODY_MB: "64" })).maxBodyMb).toBe(64);
    expect(readInstanceEnv(env({ HOST: "0.0.0.0", AIOS_DRAIN_TIMEOUT_MS: "2500" }))).toMatchObject({
      host: "0.0.0.0",
      drainTimeoutMs: 2500,
    });
  });

  it("passes the block's fields through for the processing policies", () => {
    const data = { ...init, block: { minInstances: 1, maxInstances: 3 } };
    expect(readInstanceEnv(env({ AIOS_INIT_DATA: JSON.stringify(data) })).block).toEqual({
      minInstances: 1,
      maxInstances: 3,
    });
  });

  it("lists every problem of a bad environment", () => {
    const fails = (e: Record<string, string | undefined>) => {
      try {
        readInstanceEnv(e);
      } catch (err) {
        expect(err).toBeInstanceOf(InstanceEnvError);
        return (err as InstanceEnvError).problems;
      }
      throw new Error("did not throw");
    };
    expect(fails({})).toEqual([
      "PORT: must be a port number (0-65535), got null",
      "BLOCK_ID: Required",
      "INSTANCE_ID: Required",
      "AIOS_INIT_DATA: Required",
      "AIOS_CONTROL_TOKEN: AIOS_CONTROL_TOKEN is required: the bearer token of the control routes (the agent sets it; AIOS_CONTROL_TOKEN=none runs without, on a loopback HOST only)",
      "AIOS_DATA_TOKEN: AIOS_DATA_TOKEN is required: the bearer token of the data routes (the agent sets it; AIOS_DATA_TOKEN=none runs without, on a loopback HOST only)",
    ]);
    expect(fails(env({ AIOS_CONTROL_TOKEN: "short" }))).toEqual([
      'AIOS_CONTROL_TOKEN: AIOS_CONTROL_TOKEN must be at least 16 characters (or "none")',
    ]);
    expect(fails(env({ AIOS_CONTROL_TOKEN: "none", HOST: "0.0.0.0" }))).toEqual([
      "AIOS_CONTROL_TOKEN: AIOS_CONTROL_TOKEN=none is only allowed on a loopback HOST, not 0.0.0.0",
    ]);
    expect(fails(env({ AIOS_DATA_TOKEN: "short" }))).toEqual([
      'AIOS_DATA_TOKEN: AIOS_DATA_TOKEN must be at least 16 characters (or "none")',
    ]);
    expect(fails(env({ AIOS_DATA_TOKEN: "none", HOST: "0.0.0.0" }))).toEqual([
      "AIOS_DATA_TOKEN: AIOS_DATA_TOKEN=none is only allowed on a loopback HOST, not 0.0.0.0",
    ]);
    expect(fails(env({ BLOCK_ID: " " }))).toEqual(["BLOCK_ID: must not be empty"]);
    expect(fails(env({ AIOS_INIT_DATA: "{nope" }))[0]).toMatch(/^AIOS_INIT_DATA: AIOS_INIT_DATA is not JSON/);
    expect(fails(env({ AIOS_INIT_DATA: JSON.stringify({ blockId: "b1" }) }))).toEqual([
      "AIOS_INIT_DATA.instanceId: Required",
      "AIOS_INIT_DATA.componentURI: Required",
    ]);
    expect(fails(env({ INSTANCE_ID: "i2", PORT: "70000" }))).toEqual([
      'PORT: must be a port number (0-65535), got "70000"',
      "INSTANCE_ID: is i2 but AIOS_INIT_DATA.instanceId is i1",
    ]);
    expect(fails(env({ AIOS_DRAIN_TIMEOUT_MS: "soon" }))).toEqual([
      "AIOS_DRAIN_TIMEOUT_MS: expected a number, got NaN",
    ]);
  });
});
