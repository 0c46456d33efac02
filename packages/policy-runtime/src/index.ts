export * from "./call-result";
export * from "./compile";
export * from "./define";
export * from "./dry-run";
export * from "./errors";
export * from "./host";
export * from "./remote-query";
export * from "./runtime-entry";
export * from "./runtime-options";
export { loadPolicyInstance } from "./sandbox";
export {
  MAX_ANSWER_BYTES,
  MAX_QUERIES,
  MAX_QUERY_ROUNDS,
  type PolicyQuery,
  QUERY_TIMEOUT_MS,
} from "./sandbox/query-rounds";
export type { CallResult, LogEntry, PolicyInstance, SandboxIsolation, SandboxLimits } from "./sandbox/types";
export { DEFAULT_LIMITS } from "./sandbox/types";
