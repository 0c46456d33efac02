import { describe, expect, it } from "vitest";
import { loadWebEnv } from "./env";

describe("console environment", () => {
  it("defaults to the local API and port 3000, public at the same URL and gRPC on port 8001", () => {
    expect(loadWebEnv({})).toEqual({
      AIOS_API_URL: "http://127.0.0.1:4000",
      AIOS_PUBLIC_API_URL: "http://127.0.0.1:4000",
      AIOS_PUBLIC_GRPC_ADDRESS: "127.0.0.1:8001",
      PORT: 3000,
    });
  });

  it("takes the API URL without its trailing slashes, and the port as a number", () => {
    const env = loadWebEnv({
      AIOS_API_URL: "https://api.example.com/",
      PORT: "3100",
      AIOS_WEB_DATA_DIR: "/var/lib/aios/web",
    });
    expect(env).toEqual({
      AIOS_API_URL: "https://api.example.com",
      AIOS_PUBLIC_API_URL: "https://api.example.com",
      AIOS_PUBLIC_GRPC_ADDRESS: "api.example.com:8001",
      PORT: 3100,
      AIOS_WEB_DATA_DIR: "/var/lib/aios/web",
    });
  });

  it("takes the public API URL (gRPC defaulting to its host) and the public gRPC address", () => {
    const inside = { AIOS_API_URL: "http://10.0.0.5:4000" };
    expect(loadWebEnv({ ...inside, AIOS_PUBLIC_API_URL: "https://AIOS.example.com/api//" })).toMatchObject({
      AIOS_API_URL: "http://10.0.0.5:4000",
      AIOS_PUBLIC_API_URL: "https://AIOS.example.com/api",
      AIOS_PUBLIC_GRPC_ADDRESS: "aios.example.com:8001",
    });
    expect(loadWebEnv({ AIOS_API_URL: "http://[::1]:4000" }).AIOS_PUBLIC_GRPC_ADDRESS).toBe("[::1]:8001");
    for (const address of ["grpc.example.com:443", "10.0.0.5:9001", "[::1]:8001", "localhost:1"]) {
      expect(loadWebEnv({ ...inside, AIOS_PUBLIC_GRPC_ADDRESS: address }).AIOS_PUBLIC_GRPC_ADDRESS).toBe(
        address,
      );
    }
  });

  it.each([
    [{ AIOS_API_URL: "127.0.0.1:4000" }, "AIOS_API_URL: AIOS_API_URL must be an http:// or https:// URL"],
    [{ AIOS_API_URL: "ftp://host/" }, "AIOS_API_URL: AIOS_API_URL must be an http:// or https:// URL"],
    [
      { AIOS_PUBLIC_API_URL: "api.example.com" },
      "AIOS_PUBLIC_API_URL: AIOS_PUBLIC_API_URL must be an http:// or https:// URL",
    ],
    [
      { AIOS_PUBLIC_GRPC_ADDRESS: "grpc.example.com" },
      "AIOS_PUBLIC_GRPC_ADDRESS: AIOS_PUBLIC_GRPC_ADDRESS must be host:port",
    ],
    [
      { AIOS_PUBLIC_GRPC_ADDRESS: "http://grpc.example.com:8001" },
      "AIOS_PUBLIC_GRPC_ADDRESS must be host:port",
    ],
    [{ AIOS_PUBLIC_GRPC_ADDRESS: "grpc.example.com:70000" }, "AIOS_PUBLIC_GRPC_ADDRESS must be host:port"],
    [{ PORT: "web" }, "PORT: PORT must be a port number"],
    [{ PORT: "70000" }, "PORT: PORT must be between 1 and 65535"],
    [{ AIOS_WEB_DATA_DIR: "" }, "AIOS_WEB_DATA_DIR: AIOS_WEB_DATA_DIR must be a directory path"],
  ])("refuses %j, naming the variable", (source, message) => {
    expect(() => loadWebEnv(source)).toThrow(message);
  });
});
