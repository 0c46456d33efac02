export * from "./backend";
export * from "./connections";
export * from "./redis-server";
export * from "./replies";
export * from "./telemetry";
