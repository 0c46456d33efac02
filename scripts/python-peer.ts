/**
 * The Python test peer (testpeers/python/README.md).
 *   node --import tsx scripts/python-peer.ts build   build the venv once into .cache/testpeers/python (a no-op when built)
 *   node --import tsx scripts/python-peer.ts path    print the venv's python (fails, naming `build`, when not built)
 *   node --import tsx scripts/python-peer.ts lock    after a bump of requirements.txt: resolve it afresh
 *                                                    and write the full set into constraints.txt
 */
import { buildPythonPeer, builtPythonPeer, lockPins } from "./python-peer/index";

async function main(command: string): Promise<void> {
  if (command === "build") await buildPythonPeer();
  else if (command === "path") console.log((await builtPythonPeer()).python);
  else if (command === "lock") await lockPins();
  else throw new Error(`unknown command ${command}: use build, path or lock`);
}

const [command = "build"] = process.argv.slice(2);
await main(command).catch((e: unknown) => {
  console.error(`python-peer: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
