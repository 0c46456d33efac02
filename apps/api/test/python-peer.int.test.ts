import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedVersions, pythonPeer, runPython } from "../../../scripts/python-peer/index";

/**
 * The Python test peer (testpeers/python) that the API's tests with real Python clients stand on:
 * Triton's Open Inference Protocol client over HTTP and gRPC imports, schemathesis runs, and both
 * are the versions pinned in requirements.txt. Builds the peer when it is missing (about 30 s, from
 * PyPI); a second of work once it is built.
 */

const dir = mkdtempSync(join(tmpdir(), "aios-python-peer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await pythonPeer();
}, 300_000);

describe("the Python test peer", () => {
  it("imports Triton's HTTP and gRPC clients and numpy, at the pinned versions", async () => {
    const script = join(dir, "imports.py");
    writeFileSync(
      script,
      [
        "import json, sys",
        "from importlib.metadata import version",
        "import numpy",
        "import tritonclient.grpc as grpcclient",
        "import tritonclient.http as httpclient",
        "# The clients are made without a server: they connect on the first call.",
        "httpclient.InferenceServerClient(url=sys.argv[1])",
        "grpcclient.InferenceServerClient(url=sys.argv[1])",
        "inputs = httpclient.InferInput('INPUT0', [2], 'FP32')",
        "inputs.set_data_from_numpy(numpy.array([1.0, 2.0], dtype=numpy.float32))",
        "print(json.dumps({name: version(name) for name in sys.argv[2:]}))",
      ].join("\n"),
    );
    const pinned = pinnedVersions();
    const { code, stdout, stderr } = await runPython(script, ["127.0.0.1:9", ...Object.keys(pinned)]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(pinned);
  });

  it("runs schemathesis, at the pinned version", async () => {
    const script = join(dir, "schemathesis_version.py");
    writeFileSync(
      script,
      [
        "import subprocess, sys",
        "# By name: the venv's bin folder leads PATH.",
        "sys.exit(subprocess.run(['schemathesis', '--version']).returncode)",
      ].join("\n"),
    );
    const { code, stdout } = await runPython(script, []);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`schemathesis, version ${pinnedVersions().schemathesis}`);
    expect((await pythonPeer()).bin("st")).toMatch(/\/bin\/st$/);
  });

  it("kills a script that outlives its timeout", async () => {
    const script = join(dir, "sleeps.py");
    writeFileSync(script, "import time\ntime.sleep(60)\n");
    const began = Date.now();
    await expect(runPython(script, [], { timeoutMs: 500 })).rejects.toThrow(/did not finish within 500 ms/);
    expect(Date.now() - began).toBeLessThan(10_000);
  });
});
