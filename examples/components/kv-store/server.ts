/**
 * The "third-party system" of the kv-store example: a small key-value store with its own HTTP
 * interface and its own data file. AIOS does not run it as an instance: the component's init step
 * installs and starts it, instances proxy to it, and the init step removes it with the block.
 * POST / {op: "set", key, value} | {op: "get", key} | {op: "keys"} -> JSON.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";

const port = Number(process.env.PORT);
const dataFile = process.env.KV_DATA_FILE ?? "";
const store: Record<string, unknown> = existsSync(dataFile) ? JSON.parse(readFileSync(dataFile, "utf8")) : {};

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    let request: { op?: string; key?: unknown; value?: unknown };
    try {
      request = JSON.parse(body || "{}");
    } catch {
      return reply(400, { error: "the body is not JSON" });
    }
    const key = typeof request.key === "string" ? request.key : null;
    if (request.op === "keys") return reply(200, { keys: Object.keys(store) });
    if (!key) return reply(400, { error: "key: a string is required" });
    if (request.op === "get") return reply(200, { key, value: store[key] ?? null });
    if (request.op === "set") {
      store[key] = request.value ?? null;
      writeFileSync(dataFile, JSON.stringify(store));
      return reply(200, { key, stored: true });
    }
    return reply(400, { error: `op: one of set, get, keys; got ${JSON.stringify(request.op)}` });
  });
});
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
