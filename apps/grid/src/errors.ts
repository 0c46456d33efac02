/**
 * A refusal or failure the person at the terminal can act on: printed as one line (no stack) and
 * the command exits 1. Anything else is a bug and keeps its stack.
 */
export class GridError extends Error {
  override name = "GridError";
}
