import { spawn } from "node:child_process";
import type { Socket } from "node:net";
import { measure, round, type Scenario } from "../measure";

const TARGET_P99_MS = 0.05;
/** What a loadBalancer decision over 8 instances sends the sandbox child, about. */
const REQUEST_BYTES = 1_200;

/**
 * The sandbox child's loop with nothing in it: a blocking read on fd 3, the same bytes written
 * back (process-child.ts serves its frames the same way).
 */
const ECHO_CHILD = `
const { readSync, writeSync } = require("node:fs");
const buf = Buffer.allocUnsafe(1 << 16);
for (;;) {
  const n = readSync(3, buf, 0, buf.length, null);
  if (n === 0) process.exit(0);
  for (let at = 0; at < n; ) at += writeSync(3, buf, at, n - at);
}`;

/**
 * The floor under every decision in the process sandbox: one request to another process and its
 * answer back over a socket, nothing run in between (two wake-ups of a process that was waiting) vs
 * the same bytes handed to a function in this process.
 */
export const sandboxCrossing: Scenario = {
  name: "policy.sandbox-crossing",
  description: `${REQUEST_BYTES} bytes to a child process over a socket and back (the sandbox child's loop with no policy in it) vs the same bytes through a function call in this process`,
  async run() {
    const child = spawn(process.execPath, ["-e", ECHO_CHILD], {
      stdio: ["ignore", "ignore", "ignore", "pipe"],
    });
    const socket = child.stdio[3] as Socket;
    let waiting: ((chunk: Buffer) => void) | null = null;
    let received = 0;
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received < REQUEST_BYTES) return;
      received = 0;
      waiting?.(chunk);
    });
    const request = Buffer.alloc(REQUEST_BYTES, "x");
    try {
      const opts = { n: 20_000, warmup: 2_000 };
      const echo = (b: Buffer) => Buffer.from(b);
      const baseline = await measure(async () => echo(request), opts);
      const measured = await measure(
        () =>
          new Promise<Buffer>((resolve) => {
            waiting = resolve;
            socket.write(request);
          }),
        opts,
      );
      return {
        scenario: this.name,
        measured,
        baseline: { name: "the same bytes through a function call", ...baseline },
        ratio: round(measured.p50_ms / Math.max(baseline.p50_ms, 0.001)),
        target: `p99 <= ${TARGET_P99_MS} ms (the decisions' target; this is the process sandbox's floor)`,
        met: measured.p99_ms <= TARGET_P99_MS,
      };
    } finally {
      socket.destroy();
      child.kill();
    }
  },
};
