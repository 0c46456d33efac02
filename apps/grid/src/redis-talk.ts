import { createConnection } from "node:net";
import { GridError } from "./errors";

/** A command in Redis's protocol (RESP): an array of bulk strings. */
const encode = (args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

/**
 * Parses one reply (simple string, error, integer or bulk string) at `at`; null while incomplete.
 * An error reply throws, naming it.
 */
function parseReply(buf: Buffer, at: number): { value: string; next: number } | null {
  const eol = buf.indexOf("\r\n", at);
  if (eol < 0) return null;
  const kind = String.fromCharCode(buf[at] ?? 0);
  const line = buf.toString("utf8", at + 1, eol);
  if (kind === "+" || kind === ":") return { value: line, next: eol + 2 };
  if (kind === "-") throw new GridError(`Redis refused: ${line}`);
  if (kind === "$") {
    const len = Number(line);
    if (len < 0) return { value: "", next: eol + 2 };
    if (buf.length < eol + 2 + len + 2) return null;
    return { value: buf.toString("utf8", eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
  }
  throw new GridError(`Redis answered in a form this does not read: ${JSON.stringify(kind)}`);
}

/** Sends the commands to Redis at host:port in one go and returns their replies, in order. */
export function redisCommands(host: string, port: number, commands: string[][], timeoutMs = 5_000) {
  return new Promise<string[]>((resolve, reject) => {
    const socket = createConnection({ host, port });
    let buf = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err instanceof GridError ? err : new GridError(`Redis at ${host}:${port}: ${err.message}`));
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on("error", fail);
    socket.on("connect", () => socket.write(commands.map(encode).join("")));
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const replies: string[] = [];
        let at = 0;
        while (replies.length < commands.length) {
          const r = parseReply(buf, at);
          if (!r) return; // more to come
          replies.push(r.value);
          at = r.next;
        }
        socket.end();
        resolve(replies);
      } catch (err) {
        fail(err as Error);
      }
    });
  });
}
