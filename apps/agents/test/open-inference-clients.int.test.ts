import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createLogger } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonPeer, runPython } from "../../../scripts/python-peer/index";
import { runProcess } from "../../../scripts/python-peer/process";
import { startGrpcInferenceServer } from "../../api/src/data-plane/open-inference/grpc-server";
import { PIPELINE, useExampleStack } from "./example-stack";

// Clients nobody here wrote, from PyPI (the Python test peer, testpeers/python), against real
// blocks and a real vDAG: Triton's own client over HTTP and gRPC, and schemathesis fuzzing the
// data plane's OpenAPI document (bounded: examples per operation and a fixed seed), which may
// find no 5xx.

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const TRITON_CHECK = resolve(import.meta.dirname, "open-inference/tritonclient_check.py");

interface ClientResult {
  live: boolean;
  ready: boolean;
  model: string;
  inputs: string[];
  label: string | null;
  outputs: Record<string, string>;
}

describe.runIf(redisUrl)("the Open Inference Protocol with real clients", () => {
  const { api } = useExampleStack();
  let grpc: { port: number; close(): Promise<void> } | undefined;

  beforeAll(async () => {
    grpc = await startGrpcInferenceServer({
      services: api.services,
      log: createLogger({ service: "grpc-test" }, { level: "error" }),
      maxBodyMb: 16,
      port: 0,
      host: "127.0.0.1",
    });
  });
  afterAll(async () => {
    await grpc?.close();
  });

  it.each([
    ["the sentiment block", "sentiment", "sentiment"],
    ["the text pipeline vDAG", PIPELINE, PIPELINE],
  ])("Triton's client gets positive from %s over HTTP and gRPC", async (_what, model, name) => {
    const http = api.url.replace("http://", "");
    const run = await runPython(
      TRITON_CHECK,
      [http, `127.0.0.1:${grpc?.port}`, model, "I love this wonderful product"],
      {
        timeoutMs: 60_000,
      },
    );
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const result = JSON.parse(run.stdout) as { http: ClientResult; grpc: ClientResult };
    for (const protocol of ["http", "grpc"] as const) {
      expect(result[protocol], protocol).toMatchObject({
        live: true,
        ready: true,
        model: name,
        inputs: ["text"],
        label: "positive",
      });
      expect(result[protocol].outputs.label, protocol).toBe("BYTES");
    }
  });

  it("has an OpenAPI document in which schemathesis finds no 5xx", async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toBe("3.0.3");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v2/models/{modelName}/infer", "/v1/blocks/{blockId}/infer"]),
    );

    const peer = await pythonPeer();
    const reports = mkdtempSync(join(tmpdir(), "aios-fuzz-"));
    const run = await runProcess(
      peer.bin("schemathesis"),
      [
        "run",
        `${api.url}/openapi.json`,
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "20",
        "--seed",
        "1",
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        join(reports, "events.ndjson"),
      ],
      // In a folder of its own: schemathesis keeps state in `.schemathesis/` of its working directory.
      {
        cwd: reports,
        timeoutMs: 240_000,
        env: { ...process.env, PATH: `${join(peer.dir, "bin")}:${process.env.PATH ?? ""}` },
      },
    );
    const failures = readFileSync(join(reports, "events.ndjson"), "utf8")
      .split("\n")
      .filter((line) => line.includes("not_a_server_error") && line.includes('"status":"failure"'))
      .map((line) => line.slice(0, 400));
    expect(failures, run.stdout.slice(-4000)).toEqual([]);
    expect(run.code, `${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`).toBe(0);
  }, 300_000);
});
