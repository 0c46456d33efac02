export * from "./logger";
export * from "./net";
export * from "./shutdown";
export * from "./supervisor";
