export * from "./balancer";
export * from "./create-executor";
export * from "./dispatch";
export * from "./metrics";
export * from "./status";
