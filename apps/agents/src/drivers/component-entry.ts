import { realpathSync, statSync } from "node:fs";
import { resolve, sep } from "node:path";
import { componentEntryProblem } from "@aios/contracts";

/** A component's program that may not run: the start is refused, and this is the block's failure. */
export class ComponentEntryError extends Error {
  constructor(field: string, entry: string, reason: string) {
    super(`${field} ${JSON.stringify(entry)} ${reason}: not started`);
    this.name = "ComponentEntryError";
  }
}

/**
 * The file a component's `entry` names, after symbolic links, checked at every start (the spec was
 * checked at registration, but the files may have changed since): relative, no `..`, and resolving
 * to a file inside `root`, the component directory.
 */
export function resolveComponentEntry(root: string, entry: string, field = "runtime.entry"): string {
  const problem = componentEntryProblem(entry);
  if (problem) throw new ComponentEntryError(field, entry, problem);
  const rootReal = realpathSync(root);
  let real: string;
  try {
    real = realpathSync(resolve(rootReal, entry));
  } catch {
    throw new ComponentEntryError(field, entry, `does not exist in the component directory ${rootReal}`);
  }
  if (!real.startsWith(`${rootReal}${sep}`))
    throw new ComponentEntryError(
      field,
      entry,
      `resolves to ${real}, outside the component directory ${rootReal} (through a symbolic link)`,
    );
  if (!statSync(real).isFile())
    throw new ComponentEntryError(field, entry, `names ${real}, which is not a file`);
  return real;
}
