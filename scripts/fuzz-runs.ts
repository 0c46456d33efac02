/**
 * How many cases a property-based test runs: `normal` in the everyday test run (kept small, so the
 * whole suite stays quick), `AIOS_FUZZ_RUNS` under `npm run fuzz`, which runs the same properties
 * many more times.
 */
export function fuzzRuns(normal: number): number {
  const n = Number(process.env.AIOS_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : normal;
}
