export * from "./env";
export * from "./field-issues";
export * from "./http-client";
export * from "./http-server";
export * from "./logger";
export * from "./net";
export * from "./shutdown";
export * from "./supervisor";
