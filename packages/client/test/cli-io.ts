import { main } from "../src/cli/main";

/** The CLI's output captured line by line, with the API at `url`. */
export function captureIo(url: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: { AIOS_API_URL: url } },
  };
}

/** Runs `aios <args>` against the API at `url`: its exit code and what it printed. */
export async function runCli(url: string, args: string[]) {
  const r = captureIo(url);
  const code = await main(args, r.io);
  return { code, out: r.out.join("\n"), err: r.err.join("\n") };
}
