import { z } from "zod";

/**
 * Why `entry` cannot be a component's program, or null. A program path is relative to the
 * component directory (the repository, for the process driver) and stays inside it: no absolute
 * path, no `..` segment. Symbolic links are the driver's to check, when it starts the program.
 */
export function componentEntryProblem(entry: string): string | null {
  if (entry.includes("\0")) return "must not contain a NUL character";
  if (entry.includes("\\")) return "must separate its segments with '/', not '\\'";
  if (entry.startsWith("/") || /^[A-Za-z]:/.test(entry))
    return "must be relative to the component directory, not an absolute path";
  if (entry.split("/").includes(".."))
    return "must not contain a '..' segment: a component's program stays inside its directory";
  return null;
}

/** A component's program (`runtime.entry`, `runtime.init.entry`): see componentEntryProblem. */
export const ZComponentEntry = z
  .string()
  .trim()
  .min(1)
  .superRefine((entry, ctx) => {
    const problem = componentEntryProblem(entry);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
