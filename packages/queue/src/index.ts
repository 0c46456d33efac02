export * from "./backend";
export * from "./redis-server";
export * from "./telemetry";
