export * from "./api-client";
export * from "./documents";
export * from "./policy-source";
