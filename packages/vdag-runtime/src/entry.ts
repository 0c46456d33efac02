import { fileURLToPath } from "node:url";
import { runtimeEntry } from "@aios/policy-runtime";

/**
 * The vDAG controller's program for the agent to start: `dist/main.mjs` (run with plain `node`)
 * while that bundle is fresh, else `src/main.ts` (run with `node --import tsx`). An absolute path.
 */
export function controllerEntry(): string {
  return runtimeEntry(fileURLToPath(new URL("..", import.meta.url)));
}
