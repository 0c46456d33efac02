/**
 * One replica of a policy function (execution type 4): a process that loads the policy once into
 * a sandbox, keeps its state, and serves POST /invoke, POST /management and GET /health.
 * Started by the agent's function supervisor with the function's desired state in its environment.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { compilePolicy, loadPolicyInstance, type PolicyInstance } from "@aios/policy-runtime";
import {
  ClientAbort,
  createLogger,
  dataPlaneBodyLimit,
  jsonEnv,
  onShutdown,
  parseEnvOrExit,
  parseJsonBody,
  RequestError,
  readBody,
  sendJson,
  ZMaxBodyMbEnv,
} from "@aios/service-kit";
import { z } from "zod";
import { errorInfo } from "../jobs/policy-run";

const ZReplicaEnv = z.object({
  AIOS_FUNCTION_NAME: z.string().min(1),
  AIOS_FUNCTION_SOURCE: jsonEnv("AIOS_FUNCTION_SOURCE").pipe(
    z.object({
      code: z.string(),
      settings: z.record(z.string(), z.unknown()),
      parameters: z.record(z.string(), z.unknown()),
    }),
  ),
  AIOS_REPLICA_INDEX: z.coerce.number().int().min(0),
  PORT: z.coerce.number().int().min(1).max(65535),
  HOST: z.string().min(1).default("127.0.0.1"),
  AIOS_POLICY_CPU_MS: z.coerce.number().positive().default(1000),
  AIOS_POLICY_MEMORY_MB: z.coerce.number().positive().default(128),
  AIOS_MAX_BODY_MB: ZMaxBodyMbEnv,
});
const env = parseEnvOrExit(ZReplicaEnv, process.env, "function replica");
const source = env.AIOS_FUNCTION_SOURCE;
const log = createLogger({
  service: "function",
  name: env.AIOS_FUNCTION_NAME,
  replica: env.AIOS_REPLICA_INDEX,
});
const shutdown = onShutdown(log);

const instance: PolicyInstance = await loadPolicyInstance(await compilePolicy(source.code, "policy.ts"), {
  limits: { cpuTimeMs: env.AIOS_POLICY_CPU_MS, memoryMb: env.AIOS_POLICY_MEMORY_MB },
  settings: source.settings,
  parameters: source.parameters,
});
shutdown.add("policy", () => instance.dispose());

const bodyLimit = dataPlaneBodyLimit(env.AIOS_MAX_BODY_MB);

const server = createServer((req, res) => {
  void route(req, res).catch((err: Error) => {
    if (err instanceof ClientAbort) return void res.destroy(); // nobody reads the answer
    // A request's own mistake (a body over AIOS_MAX_BODY_MB, not JSON): its status, as invalid input.
    if (err instanceof RequestError) {
      const error = { kind: "invalid_input" as const, message: err.message };
      return sendJson(res, err.status, { ok: false, error, logs: [], durationMs: 0 });
    }
    sendJson(res, 500, { ok: false, error: errorInfo(err), logs: [], durationMs: 0 });
  });
});
server.listen(env.PORT, env.HOST, () => log.info("replica ready", { host: env.HOST, port: env.PORT }));
shutdown.add("http", () => new Promise<void>((r) => server.close(() => r())));

async function route(req: IncomingMessage, res: ServerResponse) {
  if (req.method === "GET" && req.url === "/health")
    return sendJson(res, 200, { status: "healthy", kind: instance.kind });
  if (req.method !== "POST" || (req.url !== "/invoke" && req.url !== "/management")) {
    return sendJson(res, 404, { error: `no route for ${req.method} ${req.url}` });
  }
  const text = (await readBody(req, bodyLimit)).toString("utf8");
  const body = (text.trim() === "" ? {} : parseJsonBody(text)) as {
    input?: unknown;
    action?: string;
    data?: unknown;
  };
  const r =
    req.url === "/invoke"
      ? await instance.eval(body.input)
      : await instance.management(String(body.action ?? ""), body.data);
  const payload = r.ok
    ? { ok: true, output: r.value, logs: r.logs, durationMs: r.durationMs }
    : { ok: false, error: errorInfo(r.error), logs: r.logs, durationMs: r.durationMs };
  sendJson(res, r.ok ? 200 : 422, payload);
}
