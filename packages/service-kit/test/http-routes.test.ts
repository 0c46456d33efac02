import { describe, expect, it } from "vitest";
import { BadPathSegment, decodePathSegment, routeMiss, routes } from "../src";

const quota = routes({
  "GET /status": "status",
  "POST /quota/mgmt": "mgmt",
  "GET /quota/exists/:session": "exists",
  "POST /quota/reset/:session": "reset",
  "GET /quota/:session": "get",
  "DELETE /quota/:session": "delete",
  "POST /v1/vdags/:vdagURI/infer": "infer",
});

describe("routes", () => {
  it("finds a route by method and path, ignoring the query", () => {
    expect(quota("GET", "/status")).toEqual({ handler: "status", params: {} });
    expect(quota("GET", "/status?verbose=1")).toEqual({ handler: "status", params: {} });
    expect(quota("POST", "/quota/reset/s1")).toEqual({ handler: "reset", params: { session: "s1" } });
    expect(quota("GET", "/quota/exists/s1")).toEqual({ handler: "exists", params: { session: "s1" } });
  });

  it("prefers a literal segment to a parameter, per method", () => {
    expect(quota("POST", "/quota/mgmt")).toEqual({ handler: "mgmt", params: {} });
    // GET takes no literal /quota/mgmt: a session may be called mgmt.
    expect(quota("GET", "/quota/mgmt")).toEqual({ handler: "get", params: { session: "mgmt" } });
  });

  it("answers the methods a known path takes (405), and null for an unknown path (404)", () => {
    expect(quota("PUT", "/quota/s1")).toEqual({ allowed: ["DELETE", "GET"] });
    expect(quota("GET", "/quota/reset/s1")).toEqual({ allowed: ["POST"] });
    expect(quota("PUT", "/quota/mgmt")).toEqual({ allowed: ["DELETE", "GET", "POST"] });
    expect(quota("GET", "/nope")).toBeNull();
    expect(quota("GET", "/status/")).toBeNull();
    expect(quota("GET", "/quota/")).toBeNull(); // a parameter is never empty
    expect(quota("GET", "*")).toBeNull();
  });

  it("percent-decodes parameters, and refuses a malformed escape or a NUL naming the parameter", () => {
    expect(quota("POST", "/v1/vdags/text-pipeline%3A1.0.0-stable/infer")).toEqual({
      handler: "infer",
      params: { vdagURI: "text-pipeline:1.0.0-stable" },
    });
    expect(quota("GET", "/quota/a%2Fb")).toEqual({ handler: "get", params: { session: "a/b" } });
    expect(() => quota("POST", "/v1/vdags/a%ZZ/infer")).toThrow(BadPathSegment);
    expect(() => quota("POST", "/v1/vdags/a%ZZ/infer")).toThrow(
      'vdagURI: the path segment "a%ZZ" has a malformed percent-escape',
    );
    expect(() => quota("GET", "/quota/a%00b")).toThrow(
      'session: the path segment "a%00b" contains a NUL character (%00)',
    );
  });

  it("refuses a table with a malformed key or two routes of one shape", () => {
    expect(() => routes({ "/status": 1 })).toThrow(/is not "<METHOD> \/path"/);
    expect(() => routes({ "GET /a/:x": 1, "GET /a/:y": 2 })).toThrow("route GET /a/:y repeats another route");
  });
});

describe("decodePathSegment", () => {
  it("decodes a segment and names a bad one as sent", () => {
    expect(decodePathSegment("text-pipeline%3A1.0.0-stable", "vdagURI")).toBe("text-pipeline:1.0.0-stable");
    expect(() => decodePathSegment("a%E0%A4%A", "vdagURI")).toThrow(/malformed percent-escape/);
    const err = (() => {
      try {
        decodePathSegment("a%ZZ", "vdagURI");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ status: 400 });
  });
});

describe("routeMiss", () => {
  it("is a 404 naming the route, or a 405 with the methods the path takes", () => {
    expect(routeMiss("GET", "/nope?x=1")).toEqual({
      status: 404,
      message: "no route GET /nope",
      headers: {},
    });
    expect(routeMiss("GET", "/infer", ["POST"])).toEqual({
      status: 405,
      message: "GET /infer is not allowed; it takes POST",
      headers: { allow: "POST" },
    });
  });
});
