import { createConnection } from "node:net";

export type Reachability = "open" | "refused" | "unreachable";

/**
 * What a TCP connect to host:port meets within `timeoutMs`: a listener (`open`), a host that answers
 * that nothing listens (`refused`), or nothing at all (`unreachable`: no route, no answer).
 */
export function probeTcp(host: string, port: number, timeoutMs = 2_000): Promise<Reachability> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (result: Reachability) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done("unreachable"));
    socket.once("connect", () => done("open"));
    socket.once("error", (err: NodeJS.ErrnoException) =>
      done(err.code === "ECONNREFUSED" ? "refused" : "unreachable"),
    );
  });
}

export const canConnect = async (host: string, port: number) => (await probeTcp(host, port)) === "open";
