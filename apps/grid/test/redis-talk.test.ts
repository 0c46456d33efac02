import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { GridError } from "../src/errors";
import { redisCommands } from "../src/redis-talk";

/** A server on loopback that answers each command it reads with the next canned reply, in pieces. */
async function fakeRedis(replies: string[]): Promise<{ server: Server; port: number; got: string[] }> {
  const got: string[] = [];
  const server = createServer((socket) => {
    socket.on("data", (chunk) => {
      got.push(chunk.toString());
      const all = replies.join("");
      // Split the answer to check the reader waits for whole replies.
      socket.write(all.slice(0, 7));
      setTimeout(() => socket.write(all.slice(7)), 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0, got };
}

let open: Server | undefined;
afterEach(() => open?.close());

describe("talking to the management host's Redis", () => {
  it("sends the commands in Redis's protocol and reads simple, integer and bulk replies in order", async () => {
    const info = "# Server\r\nexecutable:/usr/bin/redis-server\r\nconfig_file:/x/redis-auth.conf\r\n";
    const fake = await fakeRedis(["+OK\r\n", ":1\r\n", `$${Buffer.byteLength(info)}\r\n${info}\r\n`]);
    open = fake.server;
    const replies = await redisCommands("127.0.0.1", fake.port, [
      ["AUTH", "pässword"],
      ["CONFIG", "REWRITE"],
      ["INFO", "server"],
    ]);
    expect(replies).toEqual(["OK", "1", info]);
    expect(fake.got.join("")).toBe(
      "*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n*2\r\n$6\r\nCONFIG\r\n$7\r\nREWRITE\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n",
    );
  });

  it("fails naming Redis's error reply", async () => {
    const fake = await fakeRedis(["-WRONGPASS invalid username-password pair\r\n"]);
    open = fake.server;
    const err = await redisCommands("127.0.0.1", fake.port, [["AUTH", "nope"]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GridError);
    expect((err as Error).message).toBe("Redis refused: WRONGPASS invalid username-password pair");
  });
});
