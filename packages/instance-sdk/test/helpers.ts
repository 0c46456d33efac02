import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../..");

/** A blockPreProcessing policy that upper-cases `data.text`. */
export const UPPERCASE_PRE = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "blockPreProcessing",
  eval(input) {
    const text = input.packet.data.text;
    const data = { ...input.packet.data, text: typeof text === "string" ? text.toUpperCase() : text };
    return { packet: { ...input.packet, data } };
  },
});
`;

/** A blockPostProcessing policy that stamps the block id and a setting into the output. */
export const STAMP_POST = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "blockPostProcessing",
  eval(input, { settings }) {
    const data = { ...input.packet.data, block: input.blockData.id, tag: settings.tag };
    return { packet: { ...input.packet, data } };
  },
});
`;

/** A blockPostProcessing policy that refuses every result. */
export const FAILING_POST = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "blockPostProcessing",
  eval() {
    throw new Error("results are not allowed out");
  },
});
`;

export const policy = (name: string, code: string, settings = {}) => ({
  policyRuleURI: `${name}:1.0.0-stable`,
  code,
  settings,
  parameters: {},
});

/** The control token spawned instances get; `post` sends it, so control routes accept the calls. */
export const CONTROL_TOKEN = "control-token-of-the-instance-tests";
/** The data token spawned instances get; `post` sends it to `/infer`, as an executor does. */
export const DATA_TOKEN = "data-token-of-the-instance-tests";

/** The bearer `post` sends: the data token to `/infer`, the control token elsewhere. */
export const tokenFor = (path: string) => (path.split("?", 1)[0] === "/infer" ? DATA_TOKEN : CONTROL_TOKEN);

export const packet = (data: Record<string, unknown>, seq = 0) => ({
  packet: { session_id: "s-1", seq_no: seq, ts: Date.now(), data },
});

// biome-ignore lint/suspicious/noExplicitAny: tests read reply bodies by path and let expect() check them
type Body = any;

export interface SpawnedInstance {
  url: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  post(path: string, body: unknown): Promise<{ status: number; body: Body }>;
  get(path: string): Promise<{ status: number; body: Body; text: string }>;
  kill(): void;
}

/**
 * Starts `node --import tsx <entry>` like the agent's process driver does (PORT=0: the instance
 * logs the port it got) and waits until it listens.
 */
export async function spawnInstance(
  entry: string,
  initData: Record<string, unknown>,
  extraEnv: Record<string, string> = {},
): Promise<SpawnedInstance> {
  const env = {
    ...process.env,
    PORT: "0",
    BLOCK_ID: String(initData.blockId),
    INSTANCE_ID: String(initData.instanceId),
    CUDA_VISIBLE_DEVICES: "",
    NVIDIA_VISIBLE_DEVICES: "",
    AIOS_INIT_DATA: JSON.stringify(initData),
    AIOS_CONTROL_TOKEN: CONTROL_TOKEN,
    AIOS_DATA_TOKEN: DATA_TOKEN,
    ...extraEnv,
  };
  const child = spawn(process.execPath, ["--import", "tsx", entry], { cwd: ROOT, env });
  const output: string[] = [];
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        output.push(line);
        const m = /"msg":"instance listening","port":(\d+)/.exec(line);
        if (m) resolvePort(Number(m[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => reject(new Error(`instance exited ${code}: ${output.join("\n")}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    output,
    exited,
    async post(path, body) {
      const res = await fetch(url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${tokenFor(path)}` },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    async get(path) {
      const res = await fetch(url + path);
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: res.status, body, text };
    },
    kill: () => child.kill("SIGKILL"),
  };
}

/** Polls until `/health` answers 200 (init done). */
export async function waitHealthy(instance: SpawnedInstance, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await instance.get("/health")).status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`instance not healthy after ${timeoutMs} ms: ${instance.output.join("\n")}`);
}
