// The greeter's side-car: an HTTP server on the port the platform told it (AIOS_SIDECAR_PORT_STAMP)
// that counts the calls it answered: `{stamp, pid, instancePort}`.
import { createServer } from "node:http";

let stamp = 0;
const port = Number(process.env.AIOS_SIDECAR_PORT_STAMP);
const server = createServer((_req, res) => {
  stamp++;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ stamp, pid: process.pid, instancePort: Number(process.env.AIOS_INSTANCE_PORT) }));
});
server.listen(port, process.env.HOST ?? "127.0.0.1", () =>
  console.log(`stamp side-car listening on ${port}`),
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
