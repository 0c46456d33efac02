export * from "./config";
export { ControllerError, type Reply } from "./controller-error";
export * from "./create-controller";
export * from "./engine";
export * from "./entry";
export * from "./health";
export * from "./metrics";
export * from "./plan";
export * from "./policies";
export * from "./pools";
export * from "./quality";
export * from "./quota";
export {
  CONTROLLER_ROUTES,
  type ControllerRouteAccess,
  type ControllerRoutes,
  type HealthView,
} from "./server";
export * from "./stats";
