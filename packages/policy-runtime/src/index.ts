export * from "./compile";
export * from "./define";
export * from "./dry-run";
export * from "./errors";
export * from "./host";
export * from "./runtime-options";
export { loadPolicyInstance } from "./sandbox";
export type { CallResult, LogEntry, PolicyInstance, SandboxIsolation, SandboxLimits } from "./sandbox/types";
export { DEFAULT_LIMITS } from "./sandbox/types";
