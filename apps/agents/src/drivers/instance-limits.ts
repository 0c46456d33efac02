/**
 * What a Node process needs of address space beyond its heap: V8's code range and cages, thread
 * stacks, tsx's worker. Measured on Node 20: a process with a 64 MB heap that loads the instance
 * SDK through tsx needs about 1.8 GB (with the WebAssembly trap handler off, below).
 */
export const RUNTIME_RESERVE_MB = 2048;

/**
 * The command that runs `node args…` held to `memoryMb` and, with `nice` > 0, at a lower
 * scheduling priority: V8's heap limit (`--max-old-space-size`), the address space (RLIMIT_AS,
 * set by the shell's `ulimit -S -v` before it execs Node, so the pid stays the workload's) at the
 * heap plus RUNTIME_RESERVE_MB, which bounds buffers outside the heap too, and `nice`, which every
 * thread of the process inherits. The address-space limit is a soft one: the instance's policy
 * sandbox child lifts it (each isolate reserves a code range; their memoryLimit bounds them), and
 * so could code that means to; it stops a runaway, not an adversary (that takes a container). WebAssembly's trap handler reserves about 10 GB of address space
 * per memory, so it is off (`--disable-wasm-trap-handler`: bounds are checked in code instead).
 */
export function limitedCommand(
  node: string,
  args: string[],
  limits: { memoryMb?: number | undefined; nice?: number | undefined },
): { command: string; args: string[] } {
  if (limits.memoryMb === undefined && !limits.nice) return { command: node, args };
  const steps: string[] = [];
  const nodeArgs = [...args];
  if (limits.memoryMb !== undefined) {
    const heap = Math.max(16, Math.floor(limits.memoryMb));
    // Soft only: the instance's policy sandbox child lifts it (its isolates reserve address space).
    steps.push(`ulimit -S -v ${(heap + RUNTIME_RESERVE_MB) * 1024}`);
    nodeArgs.unshift(`--max-old-space-size=${heap}`, "--disable-wasm-trap-handler");
  }
  const nice = limits.nice ? `nice -n ${Math.floor(limits.nice)} ` : "";
  steps.push(`exec ${nice}"$0" "$@"`);
  return { command: "/bin/sh", args: ["-c", steps.join(" && "), node, ...nodeArgs] };
}

/** What a workload's last lines say about how it ended, when it ran out of memory. */
export function outOfMemory(lines: string[], memoryMb: number | undefined): string | null {
  const text = lines.join("\n");
  if (/heap limit|heap out of memory|out of memory|allocation failed|cannot allocate|ENOMEM/i.test(text))
    return `out of memory${memoryMb !== undefined ? ` (its limit: ${memoryMb} MB)` : ""}`;
  return null;
}
