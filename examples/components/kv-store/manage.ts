/**
 * The kv-store's init step (a managed third-party system): `AIOS_INIT_MODE=install` creates its
 * data directory and starts the store as a process of its own; `uninstall` stops it and removes the
 * data. Stages go to stdout as JSON lines; `finish` hands the store's URL to the block's instances.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const mode = process.env.AIOS_INIT_MODE;
const dir = process.env.AIOS_SYSTEM_DIR ?? "";
const stateFile = join(dir, "state.json");
const stage = (name: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ stage: name, ...extra })}\n`);

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

async function waitUntilUp(url: string) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { method: "POST", body: '{"op":"keys"}' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the store did not come up at ${url}`);
}

async function install() {
  stage("begin", { message: `installing in ${dir}` });
  mkdirSync(dir, { recursive: true });
  if (existsSync(stateFile)) {
    const { url } = JSON.parse(readFileSync(stateFile, "utf8")) as { url: string };
    stage("finish", { message: "already installed", parameters: { url } });
    return;
  }
  const port = await freePort();
  const log = openSync(join(dir, "store.log"), "a");
  const child = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "server.ts")], {
    env: { ...process.env, PORT: String(port), KV_DATA_FILE: join(dir, "data.json") },
    stdio: ["ignore", log, log],
    detached: true,
  });
  child.unref();
  const url = `http://127.0.0.1:${port}/`;
  stage("main", { message: `store started (pid ${child.pid})` });
  await waitUntilUp(url);
  writeFileSync(stateFile, JSON.stringify({ pid: child.pid, url }));
  stage("finish", { parameters: { url } });
}

function uninstall() {
  stage("begin", { message: `removing ${dir}` });
  if (existsSync(stateFile)) {
    const { pid } = JSON.parse(readFileSync(stateFile, "utf8")) as { pid: number };
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // already gone
    }
    stage("main", { message: `store stopped (pid ${pid})` });
  }
  // What is in it: the directory itself is the platform's, which removes it once it is empty.
  if (existsSync(dir))
    for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  stage("finish");
}

try {
  if (mode === "install") await install();
  else if (mode === "uninstall") uninstall();
  else throw new Error(`AIOS_INIT_MODE must be install or uninstall, got ${JSON.stringify(mode)}`);
} catch (err) {
  stage("failed", { message: (err as Error).message });
  process.exitCode = 1;
}
