import { fileURLToPath } from "node:url";
import { runtimeEntry } from "@aios/policy-runtime";

/**
 * The executor's program for the agent to start: `dist/main.mjs` (run with plain `node`) while that
 * bundle is fresh, else `src/main.ts` (run with `node --import tsx`). An absolute path.
 */
export function executorEntry(): string {
  return runtimeEntry(fileURLToPath(new URL("..", import.meta.url)));
}
