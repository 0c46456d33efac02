export { keepRegistered } from "./registration";
export { createExecutorHandler, type ExecutorContext, type ExecutorLoad } from "./routes";
