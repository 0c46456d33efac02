export * from "./api-client";
export * from "./asset-transfer";
export * from "./policy-source";
