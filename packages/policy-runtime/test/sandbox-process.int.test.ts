import { afterAll, describe, expect, it } from "vitest";
import { loadPolicyInstance, SandboxProcess } from "../src/sandbox";
import { lbInput, lbPolicy, ROUND_ROBIN } from "./fixtures";
import { describeSandboxContract, loadWith } from "./sandbox-contract";

const proc = new SandboxProcess();
afterAll(() => proc.stop());

describeSandboxContract(
  "isolated-vm in a child process",
  loadWith({ isolation: "process" }, (c, o) => loadPolicyInstance(c, { ...o, process: proc })),
  { containsFatalOom: true },
);

describe("process isolation: a crash of the sandbox process", () => {
  it("fails only the call that ran out of memory; another policy's queued call runs on the new process", async () => {
    const load = loadWith({ isolation: "process" }, (c, o) => loadPolicyInstance(c, { ...o, process: proc }));
    const bomb = await load(lbPolicy("new Array(5e7).fill(0);\n    return { instanceId: 'never' };"), {
      limits: { memoryMb: 32, cpuTimeMs: 5000 },
    });
    const other = await load(ROUND_ROBIN);
    expect((await other.eval(lbInput())).ok).toBe(true);
    const [crashed, queued] = await Promise.all([bomb.eval(lbInput()), other.eval(lbInput())]);
    expect(!crashed.ok && crashed.error.kind).toBe("memory");
    expect(!crashed.ok && crashed.error.message).toMatch(/restarted/);
    // The other policy was rebuilt with its last init, so its round robin starts over.
    expect(queued.ok && queued.value).toEqual({ instanceId: "a" });
    bomb.dispose();
    other.dispose();
  }, 30_000);
});
