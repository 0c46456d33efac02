import { lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Points a virtual environment built in one folder at the folder it is about to be renamed to.
 *
 * A venv is not relocatable: pip writes the absolute path of the venv's python into the first lines
 * of every console script (bin/schemathesis, bin/pip), and the activate scripts and pyvenv.cfg name
 * the folder too. The peer is built in a temporary folder and renamed once complete (so that a
 * half-made build is never taken), so those paths are rewritten before the rename. Python's own
 * files need nothing: the interpreter finds its venv from pyvenv.cfg beside it, and the compiled
 * modules' file names are corrected by the import system when they are loaded.
 */
export function retargetVenv(from: string, to: string): string[] {
  // Bytes as latin1 text: one character a byte, so files are written back byte for byte.
  const fromText = Buffer.from(from).toString("latin1");
  const toText = Buffer.from(to).toString("latin1");
  const files = [
    ...readdirSync(join(from, "bin")).map((name) => join(from, "bin", name)),
    join(from, "pyvenv.cfg"),
  ];
  const rewritten: string[] = [];
  for (const file of files) {
    // bin/python and its kin are links to the base interpreter: left as they are.
    if (!lstatSync(file).isFile()) continue;
    const text = readFileSync(file).toString("latin1");
    if (!text.includes(fromText)) continue;
    writeFileSync(file, Buffer.from(text.replaceAll(fromText, toText), "latin1"));
    rewritten.push(file);
  }
  return rewritten;
}
