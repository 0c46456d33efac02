export * from "./backend";
export * from "./redis-server";
