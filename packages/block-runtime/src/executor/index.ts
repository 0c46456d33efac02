export * from "./balancer";
export * from "./create-executor";
export * from "./dispatch";
export * from "./metrics";
export { EXECUTOR_ROUTES, type ExecutorRouteAccess } from "./server";
export * from "./status";
