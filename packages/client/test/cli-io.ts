import { main } from "../src/cli/main";

/**
 * The CLI's output captured line by line, with the API at `url`; with `token`, as `AIOS_TOKEN`
 * (and no AIOS_HOME, so no local token file is found instead).
 */
export function captureIo(url: string, token?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const env = token
    ? { AIOS_API_URL: url, AIOS_TOKEN: token, AIOS_HOME: "/nonexistent" }
    : { AIOS_API_URL: url };
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env } };
}

/** Runs `aios <args>` against the API at `url` (as `token`): its exit code and what it printed. */
export async function runCli(url: string, args: string[], token?: string) {
  const r = captureIo(url, token);
  const code = await main(args, r.io);
  return { code, out: r.out.join("\n"), err: r.err.join("\n") };
}
