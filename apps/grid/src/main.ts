/**
 * `npm run grid -- <command>`: a multi-host test grid on this machine, each host a network namespace
 * with its own address on a private bridge (see ../README.md).
 */
import { resolve } from "node:path";
import { parseGridArgs, USAGE } from "./args";
import { loadGridConfig } from "./config";
import { down } from "./down";
import { GridError } from "./errors";
import { cut, heal, kill, requireState, start } from "./faults";
import { assertRootWithIp } from "./preflight";
import { formatStatus, gridStatus } from "./status";
import { startStore, stopStore } from "./stores";
import { up } from "./up";

const repoRoot = resolve(import.meta.dirname, "../../..");
const say = (line: string) => process.stderr.write(`grid: ${line}\n`);

async function main(argv: string[]): Promise<void> {
  const cmd = parseGridArgs(argv);
  if (cmd.command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadGridConfig(repoRoot, process.env);
  assertRootWithIp();
  switch (cmd.command) {
    case "up": {
      const state = await up(config, cmd, say);
      process.stdout.write(`${formatStatus(gridStatus(state))}\n`);
      return;
    }
    case "status": {
      const status = gridStatus(requireState(config));
      process.stdout.write(cmd.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
      return;
    }
    case "cut":
      say(cut(config, cmd.host));
      return;
    case "heal":
      say(heal(config, cmd.host));
      return;
    case "kill":
      say(await kill(config, cmd.host));
      return;
    case "start":
      say(await start(config, cmd.host));
      return;
    case "stop-store":
      say(await stopStore(config, cmd.store));
      return;
    case "start-store":
      say(await startStore(config, cmd.store));
      return;
    case "down":
      await down(config, say);
      say("down: nothing of the grid is left");
      return;
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof GridError) {
      process.stderr.write(`grid: ${err.message}\n`);
    } else {
      process.stderr.write(
        `grid: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
    process.exit(1);
  },
);
