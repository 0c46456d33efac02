import { describe, expect, it } from "vitest";
import { loadWebEnv } from "./env";

describe("console environment", () => {
  it("defaults to the local API and port 3000", () => {
    expect(loadWebEnv({})).toEqual({ AIOS_API_URL: "http://127.0.0.1:4000", PORT: 3000 });
  });

  it("takes the API URL without its trailing slashes, and the port as a number", () => {
    const env = loadWebEnv({
      AIOS_API_URL: "https://api.example.com/",
      PORT: "3100",
      AIOS_WEB_DATA_DIR: "/var/lib/aios/web",
    });
    expect(env).toEqual({
      AIOS_API_URL: "https://api.example.com",
      PORT: 3100,
      AIOS_WEB_DATA_DIR: "/var/lib/aios/web",
    });
  });

  it.each([
    [{ AIOS_API_URL: "127.0.0.1:4000" }, "AIOS_API_URL: AIOS_API_URL must be an http:// or https:// URL"],
    [{ AIOS_API_URL: "ftp://host/" }, "AIOS_API_URL: AIOS_API_URL must be an http:// or https:// URL"],
    [{ PORT: "web" }, "PORT: PORT must be a port number"],
    [{ PORT: "70000" }, "PORT: PORT must be between 1 and 65535"],
    [{ AIOS_WEB_DATA_DIR: "" }, "AIOS_WEB_DATA_DIR: AIOS_WEB_DATA_DIR must be a directory path"],
  ])("refuses %j, naming the variable", (source, message) => {
    expect(() => loadWebEnv(source)).toThrow(message);
  });
});
