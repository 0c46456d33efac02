import { rmSync } from "node:fs";
import { resolve } from "node:path";

/** The launcher's AIOS_HOME for e2e runs (embedded Postgres data, agent state). */
export const E2E_HOME = resolve(import.meta.dirname, "../.test-output/e2e-home");

/** Every run starts from empty data; the launcher's seed then loads examples/specs. */
export function resetE2eHome(): void {
  rmSync(E2E_HOME, { recursive: true, force: true });
}
