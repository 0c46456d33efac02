import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  dataHeaders,
  newDataToken,
  parseEnv,
  refuseOpenDataOffLoopback,
  requireDataToken,
  sendJson,
  ZDataTokenEnv,
} from "../src";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function guarded(token: string | null): Promise<string> {
  server = createServer((req, res) => {
    if (requireDataToken(req, res, token)) sendJson(res, 200, { ok: true });
  });
  return new Promise((resolve) =>
    server!.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`),
    ),
  );
}

describe("data token", () => {
  it("is 32 random bytes in base64url, like a control token", () => {
    const a = newDataToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newDataToken()).not.toBe(a);
  });

  it("lets the right bearer through and answers 401 naming the route and the data token", async () => {
    const token = newDataToken();
    const url = await guarded(token);
    expect((await fetch(`${url}/infer`, { method: "POST", headers: dataHeaders(token) })).status).toBe(200);
    for (const [headers, message] of [
      [{}, "POST /infer: no authorization header: data routes need"],
      [dataHeaders(`${token}x`), "POST /infer: the bearer token is not this workload's data token"],
    ] as const) {
      const res = await fetch(`${url}/infer?x=1`, { method: "POST", headers });
      expect([res.status, res.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="aios-data"']);
      const body = (await res.json()) as { error: { stage: string; message: string } };
      expect(body.error.stage).toBe("auth");
      expect(body.error.message).toContain(message);
    }
  });

  it("leaves the route open for the explicit opt-out (null)", async () => {
    expect((await fetch(await guarded(null))).status).toBe(200);
    expect(dataHeaders(null)).toEqual({});
  });

  it("requires AIOS_DATA_TOKEN in the env; `none` only on a loopback HOST", () => {
    const ZEnv = z
      .object({ HOST: z.string().default("127.0.0.1"), AIOS_DATA_TOKEN: ZDataTokenEnv })
      .superRefine(refuseOpenDataOffLoopback);
    expect(() => parseEnv(ZEnv, {}, "x")).toThrow(/AIOS_DATA_TOKEN: AIOS_DATA_TOKEN is required/);
    expect(() => parseEnv(ZEnv, { AIOS_DATA_TOKEN: "abc" }, "x")).toThrow(/at least 16 characters/);
    expect(parseEnv(ZEnv, { AIOS_DATA_TOKEN: "none" }, "x").AIOS_DATA_TOKEN).toBeNull();
    expect(() => parseEnv(ZEnv, { AIOS_DATA_TOKEN: "none", HOST: "0.0.0.0" }, "x")).toThrow(
      "AIOS_DATA_TOKEN=none is only allowed on a loopback HOST, not 0.0.0.0",
    );
  });
});
