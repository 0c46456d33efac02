import { describe, expect, it } from "vitest";
import { InstanceEnvError, readInstanceEnv } from "../src/index";

const init = { blockId: "b1", instanceId: "i1", componentURI: "model.echo:1.0.0-stable" };
const env = (over: Record<string, string | undefined> = {}) => ({
  PORT: "9000",
  BLOCK_ID: "b1",
  INSTANCE_ID: "i1",
  AIOS_INIT_DATA: JSON.stringify(init),
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
      "PORT must be a port number (0-65535), got null",
      "BLOCK_ID must be set",
      "INSTANCE_ID must be set",
      "AIOS_INIT_DATA must be set (JSON init data)",
    ]);
    expect(fails(env({ AIOS_INIT_DATA: "{nope" }))[0]).toMatch(/AIOS_INIT_DATA is not valid JSON/);
    expect(fails(env({ AIOS_INIT_DATA: JSON.stringify({ blockId: "b1" }) }))).toEqual([
      "AIOS_INIT_DATA.instanceId: Required",
      "AIOS_INIT_DATA.componentURI: Required",
    ]);
    expect(fails(env({ INSTANCE_ID: "i2", PORT: "70000" }))).toEqual([
      'PORT must be a port number (0-65535), got "70000"',
      "INSTANCE_ID is i2 but AIOS_INIT_DATA.instanceId is i1",
    ]);
  });
});
