export * from "./api-client";
export * from "./policy-source";
