import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pythonPeer } from "../../../scripts/python-peer/index";
import { runProcess } from "../../../scripts/python-peer/process";
import { useExampleModels } from "./open-inference/stack";

// The data plane's OpenAPI document fuzzed by schemathesis (a real fuzzer from PyPI, in the Python
// test peer) against real blocks and a real vDAG: whatever it sends, no answer may be a 5xx. The
// run is bounded (examples per operation, a fixed seed) so CI stays quick and repeatable.

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

describe.runIf(redisUrl)("the data plane's OpenAPI document, fuzzed", () => {
  const api = useExampleModels();

  it("is served, and schemathesis finds no 5xx", async () => {
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
