import { afterAll, describe, expect, it } from "vitest";
import { compilePolicy } from "../src/compile";
import { createPolicyHost } from "../src/host";
import { loadPolicyInstance, openPolicyInstance, SandboxProcess } from "../src/sandbox";
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

describe("process isolation: stateless calls in one crossing", () => {
  // `calls` lives as long as the isolate; `state.n` starts over with every init.
  const COUNTING = lbPolicy("calls++; state.n++;\n    return { instanceId: calls + '/' + state.n };")
    .replace("export default", "let calls = 0;\nexport default")
    .replace("return { next: 0, settings, parameters };", "return { n: 0 };");

  it("calls sent together are answered in order, each after its own init, none interleaved", async () => {
    const host = createPolicyHost({
      resolve: async (uri) => ({ policyRuleURI: uri, code: COUNTING, kind: "loadBalancer" }),
      process: proc,
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => host.execute("lb:1.0.0-stable", lbInput())),
    );
    expect(results.map((r) => r.ok && r.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ instanceId: `${i + 1}/1` })),
    );
    host.dispose();
  }, 30_000);

  it("a failing init fails its call with init's error and logs, and eval does not run", async () => {
    const code = COUNTING.replace("return { n: 0 };", 'console.log("init ran"); throw new Error("no init");');
    const broken = await openPolicyInstance(await compilePolicy(code, "broken.ts"), { process: proc });
    const r = await broken.evalFresh({}, {}, lbInput());
    expect(!r.ok && r.error.message).toMatch(/no init/);
    expect(r.logs).toEqual([{ level: "log", message: "init ran" }]);
    broken.dispose();
  }, 30_000);

  it("a crash during pipelined calls fails the call that ran; the calls behind it run on the new process", async () => {
    const bomb = lbPolicy("new Array(5e7).fill(0);\n    return { instanceId: 'never' };");
    const host = createPolicyHost({
      resolve: async (uri) => ({
        policyRuleURI: uri,
        code: uri.startsWith("bomb") ? bomb : COUNTING,
        kind: "loadBalancer",
      }),
      process: proc,
      limits: { memoryMb: 32, cpuTimeMs: 5000 },
    });
    expect((await host.execute("lb:1.0.0-stable", lbInput())).ok).toBe(true);
    // The bomb's isolate is made (and stays warm) before the calls below are sent together.
    expect((await host.execute("bomb:1.0.0-stable", lbInput())).ok).toBe(false);
    const [crashed, ...behind] = await Promise.all([
      host.execute("bomb:1.0.0-stable", lbInput()),
      host.execute("lb:1.0.0-stable", lbInput()),
      host.execute("lb:1.0.0-stable", lbInput()),
    ]);
    expect(!crashed.ok && crashed.error.kind).toBe("memory");
    // Rebuilt on the new process: the module's counter starts over, each call still after a fresh init.
    expect(behind.map((r) => r.ok && r.value)).toEqual([{ instanceId: "1/1" }, { instanceId: "2/1" }]);
    host.dispose();
  }, 30_000);
});
