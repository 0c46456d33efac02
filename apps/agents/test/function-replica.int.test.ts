import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// One function replica process (`src/functions/replica-main.ts`) as the agent starts it, over HTTP.

const CONTROL_TOKEN = "control-token-of-the-replica-test";
const DATA_TOKEN = "data-token-of-the-replica-test";
const counter = readFileSync(resolve(import.meta.dirname, "../../../examples/policies/counter.ts"), "utf8");

describe("a function replica", () => {
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    const port = await findFreePort();
    child = spawn(
      process.execPath,
      ["--import", "tsx", resolve(import.meta.dirname, "../src/functions/replica-main.ts")],
      {
        env: {
          ...process.env,
          AIOS_FUNCTION_NAME: "tally",
          AIOS_FUNCTION_SOURCE: JSON.stringify({ code: counter, settings: {}, parameters: {} }),
          AIOS_REPLICA_INDEX: "0",
          PORT: String(port),
          HOST: "127.0.0.1",
          AIOS_MAX_BODY_MB: "1",
          AIOS_CONTROL_TOKEN: CONTROL_TOKEN,
          AIOS_DATA_TOKEN: DATA_TOKEN,
        },
        stdio: "ignore",
      },
    );
    await waitForPort(port, 30_000);
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(() => void child?.kill("SIGKILL"));

  const invoke = async (body: string, token: string | null = DATA_TOKEN) => {
    const res = await fetch(`${url}/invoke`, {
      method: "POST",
      headers: token ? { authorization: `Bearer ${token}` } : {},
      body,
    });
    return {
      status: res.status,
      connection: res.headers.get("connection"),
      body: (await res.json()) as object,
    };
  };

  it("invokes its policy with the body's input", async () => {
    expect(await invoke(JSON.stringify({ input: { key: "k" } }))).toMatchObject({
      status: 200,
      body: { ok: true, output: { key: "k", count: 1 } },
    });
  });

  it("takes an invoke with its data token only, 401 naming the route without, with another or with the control token", async () => {
    const body = JSON.stringify({ input: { key: "k" } });
    expect(await invoke(body, null)).toMatchObject({
      status: 401,
      body: {
        error: {
          stage: "auth",
          message: "POST /invoke: no authorization header: data routes need `authorization: Bearer <token>`",
        },
      },
    });
    for (const token of ["not-the-data-token", CONTROL_TOKEN])
      expect(await invoke(body, token)).toMatchObject({
        status: 401,
        body: {
          error: {
            stage: "auth",
            message: "POST /invoke: the bearer token is not this workload's data token",
          },
        },
      });
  });

  it("refuses a body over AIOS_MAX_BODY_MB with 413 naming it before closing, and bad JSON with 400", async () => {
    expect(await invoke(" ".repeat(2 ** 20 + 1))).toEqual({
      status: 413,
      connection: "close",
      body: {
        ok: false,
        error: {
          kind: "invalid_input",
          message: "(body): is larger than 1 MiB, the most the data plane reads (AIOS_MAX_BODY_MB)",
        },
        logs: [],
        durationMs: 0,
      },
    });
    const bad = await invoke("{nope");
    expect(bad).toMatchObject({ status: 400, body: { ok: false, error: { kind: "invalid_input" } } });
    expect((bad.body as { error: { message: string } }).error.message).toMatch(
      /^\(body\): is not valid JSON/,
    );
  });

  it("takes a management command with its control token only, 401 naming the route without", async () => {
    const command = JSON.stringify({ action: "reset", data: {} });
    const anonymous = await fetch(`${url}/management`, { method: "POST", body: command });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: {
        stage: "auth",
        message:
          "POST /management: no authorization header: control routes need `authorization: Bearer <token>`",
      },
    });
    const wrong = await fetch(`${url}/management`, {
      method: "POST",
      headers: { authorization: "Bearer not-the-token" },
      body: command,
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${url}/management`, {
      method: "POST",
      headers: { authorization: `Bearer ${CONTROL_TOKEN}` },
      body: command,
    });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ ok: true });
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});
