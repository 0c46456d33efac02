export * from "./autoscaler";
export * from "./config";
export * from "./desired";
export * from "./executor";
export * from "./health-checker";
export * from "./mapper";
export * from "./policies";
export * from "./stats";
