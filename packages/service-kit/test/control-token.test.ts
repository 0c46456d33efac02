import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  controlHeaders,
  newControlToken,
  parseEnv,
  refuseOpenControlOffLoopback,
  requireControlToken,
  sendJson,
  ZControlTokenEnv,
} from "../src";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function guarded(token: string | null): Promise<string> {
  server = createServer((req, res) => {
    if (requireControlToken(req, res, token)) sendJson(res, 200, { ok: true });
  });
  return new Promise((resolve) =>
    server!.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`),
    ),
  );
}

type ErrorAnswer = { error: { stage: string; message: string } };

describe("control token", () => {
  it("is 32 random bytes in base64url", () => {
    const a = newControlToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newControlToken()).not.toBe(a);
  });

  it("lets the right bearer through and answers 401 naming what is missing or wrong", async () => {
    const token = newControlToken();
    const url = await guarded(token);
    expect((await fetch(`${url}/x`, { headers: controlHeaders(token) })).status).toBe(200);
    const cases: Array<[Record<string, string>, string]> = [
      [{}, "GET /x: no authorization header"],
      [{ authorization: `Basic ${token}` }, "is not `Bearer <token>`"],
      [controlHeaders(`${token}x`), "not this workload's control token"],
      [controlHeaders("short"), "not this workload's control token"],
    ];
    for (const [headers, message] of cases) {
      const res = await fetch(`${url}/x?q=1`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="aios-control"');
      const body = (await res.json()) as ErrorAnswer;
      expect(body.error.stage).toBe("auth");
      expect(body.error.message).toContain(message);
    }
  });

  it("leaves the route open for the explicit opt-out (null)", async () => {
    const url = await guarded(null);
    expect((await fetch(url)).status).toBe(200);
    expect(controlHeaders(null)).toEqual({});
  });

  it("requires AIOS_CONTROL_TOKEN in the env; `none` only on a loopback HOST", () => {
    const ZEnv = z
      .object({ HOST: z.string().default("127.0.0.1"), AIOS_CONTROL_TOKEN: ZControlTokenEnv })
      .superRefine(refuseOpenControlOffLoopback);
    expect(() => parseEnv(ZEnv, {}, "x")).toThrow(/AIOS_CONTROL_TOKEN: AIOS_CONTROL_TOKEN is required/);
    expect(() => parseEnv(ZEnv, { AIOS_CONTROL_TOKEN: "abc" }, "x")).toThrow(/at least 16 characters/);
    expect(parseEnv(ZEnv, { AIOS_CONTROL_TOKEN: "none" }, "x").AIOS_CONTROL_TOKEN).toBeNull();
    expect(() => parseEnv(ZEnv, { AIOS_CONTROL_TOKEN: "none", HOST: "0.0.0.0" }, "x")).toThrow(
      /only allowed on a loopback HOST, not 0.0.0.0/,
    );
    const token = newControlToken();
    expect(parseEnv(ZEnv, { AIOS_CONTROL_TOKEN: token, HOST: "0.0.0.0" }, "x").AIOS_CONTROL_TOKEN).toBe(
      token,
    );
  });
});
