import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DATA_PLANE_ROUTE_RULES,
  type DataPlaneRouteRule,
  expectedDataPlaneOutcome,
  MATRIX_CALLERS,
  type MatrixCaller,
  type MatrixOutcome,
} from "../src/auth/access-matrix";
import { useApiServer } from "./harness";

// Every route of the API's data plane called over HTTP by every kind of caller, with real tokens in
// AIOS_AUTH=token mode: 401 and 403 must be what the access matrix declares, anything else counts
// as let through (the targets need not exist). The data key's scopes name the targets called.

const BLOCK = "dpa-matrix-block";
const VDAG = "dpa-matrix:1.0.0-stable";
const EMPTY_SHA256 = createHash("sha256").digest("hex");

/** The path of each route's parameters, and the body a PUT or POST sends. */
const PARAMS: Record<string, string> = {
  blockId: BLOCK,
  vdagURI: encodeURIComponent(VDAG),
  taskId: "00000000-0000-4000-8000-000000000000",
  sha256: EMPTY_SHA256,
  modelName: BLOCK,
  modelVersion: "1.0.0-stable",
  clusterId: "dpm-here",
};
const pathOf = (route: string) => route.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? "");

describe("the access matrix of the data plane, called", () => {
  const api = useApiServer({ auth: "token" });
  const tokens = {} as Record<MatrixCaller, string | undefined>;

  beforeAll(async () => {
    const t = api.services.tokens;
    tokens.none = undefined;
    for (const role of ["viewer", "operator", "admin"] as const)
      tokens[role] = (await t.issue({ name: `dpm ${role}`, role })).token;
    tokens["agent-this-cluster"] = (
      await t.issue({ name: "dpm agent", role: "agent", scope: "dpm-here" })
    ).token;
    tokens["agent-other-cluster"] = (
      await t.issue({ name: "dpm agent 2", role: "agent", scope: "dpm-elsewhere" })
    ).token;
    tokens.data = (
      await t.issue({ name: "dpm data", role: "data", scopes: [`block:${BLOCK}`, `vdag:${VDAG}`] })
    ).token;
    tokens.join = (await t.issue({ name: "dpm join", role: "join", scope: "dpm-here" })).token;
  });

  it.each(MATRIX_CALLERS)("answers each data-plane route as the matrix says, called by: %s", async (who) => {
    const mismatches: string[] = [];
    for (const [route, rule] of Object.entries(DATA_PLANE_ROUTE_RULES)) {
      const [method = "GET", path = "/"] = route.split(" ");
      const token = tokens[who];
      const res = await fetch(`${api.url}${pathOf(path)}`, {
        method,
        headers: {
          "content-type": method === "PUT" ? "application/octet-stream" : "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(method === "POST"
          ? { body: JSON.stringify({ data: {} }) }
          : method === "PUT"
            ? { body: "" }
            : {}),
      });
      await res.arrayBuffer();
      const got: MatrixOutcome =
        res.status === 401 ? "UNAUTHORIZED" : res.status === 403 ? "FORBIDDEN" : "allowed";
      const expected = expectedDataPlaneOutcome(rule as DataPlaneRouteRule, who);
      if (got !== expected)
        mismatches.push(`${route} (${rule}): expected ${expected}, got HTTP ${res.status}`);
    }
    expect(mismatches).toEqual([]);
  });
});
