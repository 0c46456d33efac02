import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessDriver } from "../src/drivers/process-driver";
import { createWorkloadIdentity, resolveWorkloadUser } from "../src/drivers/workload-user";

const repoRoot = resolve(import.meta.dirname, "../../..");
const HELLO = "apps/agents/test/fixtures/http-hello.ts";

/** What the agent's own environment holds and no workload may see. */
const SECRETS = {
  AIOS_AGENT_TOKEN: "agent-token-that-must-stay-with-the-agent",
  AIOS_QUEUE_URL: "redis://127.0.0.1:6399/0",
  DATABASE_URL: "postgres://aios:secret@127.0.0.1:5499/aios",
  REDIS_URL: "redis://127.0.0.1:6398/0",
};

const environOf = (pid: number | null) =>
  Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );

/** A home like the agent's: 0700, the agent's state and a token file in it. */
function agentHome() {
  const home = mkdtempSync(join(tmpdir(), "aios-isolation-home-"));
  const stateDir = join(home, "agent", "local");
  mkdirSync(join(home, "tokens"), { mode: 0o700 });
  writeFileSync(join(home, "tokens", "admin"), "admin-token-secret", { mode: 0o600 });
  mkdirSync(stateDir, { recursive: true });
  chmodSync(home, 0o700);
  const aliveFile = join(stateDir, "agent.alive");
  writeFileSync(aliveFile, "");
  return { home, stateDir, aliveFile };
}

/** Where workloads write: a directory any user can pass through, unlike the agent's home. */
function workloadsRoot() {
  const dir = mkdtempSync(join(tmpdir(), "aios-isolation-workloads-"));
  chmodSync(dir, 0o755);
  return join(dir, "local");
}

describe("a workload's environment", () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, SECRETS));
  afterAll(() => {
    for (const key of Object.keys(SECRETS)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("holds its own variables and the platform's, never the agent's token or a database, queue or Redis URL", async () => {
    const { stateDir, aliveFile } = agentHome();
    const driver = createProcessDriver({ repoRoot, stateDir, aliveFile, maxBodyMb: 5 });
    const w = await driver.start({
      name: "isolated-env",
      kind: "instance",
      entry: HELLO,
      env: { GREETING: "aios", BLOCK_ID: "blk-env" },
      gpus: [],
      controlToken: "control-token-of-isolated-env-0123",
    });
    try {
      const env = environOf(w.pid);
      const text = Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n");
      for (const [name, value] of Object.entries(SECRETS)) {
        expect(env[name]).toBeUndefined();
        expect(text).not.toContain(value);
      }
      expect(text).not.toMatch(/postgres(ql)?:\/\/|redis:\/\//);
      expect(env).toMatchObject({
        GREETING: "aios",
        BLOCK_ID: "blk-env",
        AIOS_CONTROL_TOKEN: "control-token-of-isolated-env-0123",
        AIOS_MAX_BODY_MB: "5",
        HOST: "127.0.0.1",
        AIOS_AGENT_ALIVE_FD: "3",
      });
      expect(env.PORT).toMatch(/^\d+$/);
      expect(env.HOME).toBe(join(stateDir, "workload-homes", "homes", "isolated-env"));
      expect(env.TMPDIR).toBe(join(env.HOME ?? "", "tmp"));
      // Nothing else of the agent's: the base is PATH, HOME, TMPDIR, LANG, LC_ALL and TZ.
      const platform =
        /^(PATH|HOME|TMPDIR|LANG|LC_ALL|TZ|PORT|HOST|GREETING|BLOCK_ID|AIOS_[A-Z_]+|(CUDA|NVIDIA)_VISIBLE_DEVICES)$/;
      expect(Object.keys(env).filter((k) => !platform.test(k))).toEqual([]);
      // Its orphan guard watches the agent's alive file through the fd it was handed.
      expect(readlinkSync(`/proc/${w.pid}/fd/3`)).toBe(aliveFile);
      expect(await (await fetch(w.endpoint)).json()).toEqual({ hello: "aios" });
      expect(w.logs().join("\n")).toMatch(/listening on \d+/);
    } finally {
      await w.stop();
    }
  });

  it("gives the platform's runtimes the agent's runtime policy settings, and instances none", async () => {
    const { stateDir } = agentHome();
    const driver = createProcessDriver({
      repoRoot,
      stateDir,
      runtimeEnv: { AIOS_RUNTIME_POLICY_ISOLATION: "process", AIOS_RUNTIME_POLICY_CPU_MS: "40" },
    });
    const runtime = await driver.start({
      name: "as-runtime",
      kind: "executor",
      entry: HELLO,
      env: {},
      gpus: [],
    });
    const instance = await driver.start({
      name: "as-instance",
      kind: "instance",
      entry: HELLO,
      env: {},
      gpus: [],
    });
    try {
      expect(environOf(runtime.pid)).toMatchObject({ AIOS_RUNTIME_POLICY_CPU_MS: "40" });
      expect(environOf(instance.pid).AIOS_RUNTIME_POLICY_CPU_MS).toBeUndefined();
      expect(environOf(instance.pid).AIOS_CONTROL_TOKEN).toBeUndefined();
    } finally {
      await Promise.all([runtime.stop(), instance.stop()]);
    }
  });
});

describe("a component's entry", () => {
  // A component directory of its own, with a program inside and one outside reached by a link.
  const root = mkdtempSync(join(tmpdir(), "aios-entry-root-"));
  const outside = mkdtempSync(join(tmpdir(), "aios-entry-outside-"));
  writeFileSync(join(outside, "evil.mjs"), "console.log('outside');\n");
  writeFileSync(join(root, "inside.mjs"), "console.log('inside');\n");
  symlinkSync(join(outside, "evil.mjs"), join(root, "linked.mjs"));
  const driver = () =>
    createProcessDriver({ repoRoot: root, stateDir: mkdtempSync(join(tmpdir(), "aios-entry-")) });
  const start = (entry: string) =>
    driver().start({ name: "entry-test", kind: "instance", entry, env: {}, gpus: [] });

  it("is refused at start when it climbs out with '..'", async () => {
    await expect(start(`../${outside.split("/").pop()}/evil.mjs`)).rejects.toThrow(
      /runtime\.entry ".*evil\.mjs" must not contain a '\.\.' segment/,
    );
  });

  it("is refused at start when it is absolute", async () => {
    await expect(start(join(outside, "evil.mjs"))).rejects.toThrow(
      /runtime\.entry ".*" must be relative to the component directory, not an absolute path/,
    );
  });

  it("is refused at start when a symbolic link takes it outside the component directory", async () => {
    await expect(start("linked.mjs")).rejects.toThrow(
      /runtime\.entry "linked\.mjs" resolves to .*evil\.mjs, outside the component directory .* \(through a symbolic link\)/,
    );
  });

  it("is refused at start when it names nothing", async () => {
    await expect(start("missing.mjs")).rejects.toThrow(/runtime\.entry "missing\.mjs" does not exist/);
  });

  it("is refused for an init step too, and one inside runs", async () => {
    await expect(
      driver().runJob({ name: "init-out", entry: "linked.mjs", env: {}, timeoutMs: 10_000 }),
    ).rejects.toThrow(/runtime\.init\.entry "linked\.mjs" resolves to .*outside the component directory/);
    const lines: string[] = [];
    const ok = await driver().runJob({
      name: "init-in",
      entry: "inside.mjs",
      env: {},
      timeoutMs: 30_000,
      onLine: (l) => lines.push(l),
    });
    expect(ok.code).toBe(0);
    expect(lines).toEqual(["inside"]);
  });
});

describe.runIf(process.getuid?.() === 0)("an agent running as root", () => {
  it("starts workloads as the unprivileged workload user, who cannot read the agent's home or tokens", async () => {
    const { home, stateDir, aliveFile } = agentHome();
    const user = resolveWorkloadUser("nobody");
    const workloads = createWorkloadIdentity({ dir: workloadsRoot(), user });
    const driver = createProcessDriver({ repoRoot, stateDir, aliveFile, workloads });
    const w = await driver.start({ name: "as-nobody", kind: "instance", entry: HELLO, env: {}, gpus: [] });
    try {
      const status = readFileSync(`/proc/${w.pid}/status`, "utf8");
      const uids = /^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/).map(Number);
      expect(uids).toEqual([user.uid, user.uid, user.uid, user.uid]);
      expect(uids).not.toContain(0);
      const read = async (path: string) =>
        (await fetch(`${w.endpoint}/read?path=${encodeURIComponent(path)}`)).json();
      expect(await read(join(home, "tokens", "admin"))).toEqual({ ok: false, code: "EACCES" });
      expect(await read(join(stateDir, "logs", "as-nobody.log"))).toEqual({ ok: false, code: "EACCES" });
      // Its own code and its own home are within reach.
      expect(await read(join(repoRoot, HELLO))).toEqual({ ok: true });
      expect(await (await fetch(`${w.endpoint}/write-home`)).json()).toEqual({ ok: true });
      // Its log is still written: the agent opened the file and handed it over.
      expect(w.logs().join("\n")).toMatch(/listening on \d+/);
    } finally {
      await w.stop();
    }
  });

  it("runs init steps as the workload user too", async () => {
    const { stateDir, aliveFile } = agentHome();
    const user = resolveWorkloadUser("nobody");
    const workloads = createWorkloadIdentity({ dir: workloadsRoot(), user });
    const driver = createProcessDriver({ repoRoot, stateDir, aliveFile, workloads });
    const lines: string[] = [];
    const r = await driver.runJob({
      name: "init-as-nobody",
      entry: "apps/agents/test/fixtures/job-stages.ts",
      env: { AIOS_INIT_MODE: "install", PRINT_UID: "1" },
      timeoutMs: 30_000,
      onLine: (l) => lines.push(l),
    });
    expect(r.code).toBe(0);
    expect(lines).toContain(`uid=${user.uid}`);
  });
});
