/**
 * `@aios/contracts/files`: spec documents read from files (JSON, YAML, arrays, streams, `codePath`
 * inlined). Node only, so it is not part of the client-safe index; the CLI applies such files and
 * the API's bootstrap loads the examples with it.
 */
export * from "./spec-file";
