import apiPackage from "../../../package.json" with { type: "json" };

/** `GET /v2` and gRPC's ServerMetadata: the server's name, version and protocol extensions. */
export const SERVER_METADATA = {
  name: "aios",
  version: apiPackage.version,
  extensions: ["binary_tensor_data"],
} as const;
