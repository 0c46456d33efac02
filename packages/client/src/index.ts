export * from "./api-client";
export * from "./documents";
