import { EXECUTOR_ROUTES } from "@aios/block-runtime";
import { INSTANCE_ROUTES } from "@aios/instance-sdk";
import { CONTROLLER_ROUTES } from "@aios/vdag-runtime";
import { describe, expect, it } from "vitest";
import { REPLICA_ROUTES } from "../../agents/src/functions/replica-routes";
import {
  DATA_PLANE_ROUTE_RULES,
  expectedDataPlaneOutcome,
  expectedOutcome,
  PROCEDURE_RULES,
  type ProcedureRule,
  RUNTIME_ROUTE_RULES,
} from "../src/auth/access-matrix";
import { DATA_PLANE_ROUTES } from "../src/data-plane/routes";
import { appRouter } from "../src/router";
import {
  adminChangeProcedure,
  adminProcedure,
  agentProcedure,
  changeProcedure,
  operatorProcedure,
  publicProcedure,
  viewerProcedure,
} from "../src/trpc";

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  middlewares: unknown[];
}
const procedures = Object.entries(
  (appRouter._def as unknown as { procedures: Record<string, { _def: ProcedureDef }> }).procedures,
).map(([path, p]) => ({ path, def: p._def }));

const middlewaresOf = (builder: unknown) => (builder as { _def: ProcedureDef })._def.middlewares;

/** The builders a procedure can start from, most specific first, with the rule each one enforces. */
const BUILDERS = [
  { name: "adminChangeProcedure", rule: "admin", audited: true, mws: middlewaresOf(adminChangeProcedure) },
  { name: "changeProcedure", rule: "operator", audited: true, mws: middlewaresOf(changeProcedure) },
  { name: "adminProcedure", rule: "admin", audited: false, mws: middlewaresOf(adminProcedure) },
  { name: "operatorProcedure", rule: "operator", audited: false, mws: middlewaresOf(operatorProcedure) },
  { name: "viewerProcedure", rule: "viewer", audited: false, mws: middlewaresOf(viewerProcedure) },
  { name: "agentProcedure", rule: "agent-own-cluster", audited: false, mws: middlewaresOf(agentProcedure) },
  { name: "publicProcedure", rule: "public", audited: false, mws: middlewaresOf(publicProcedure) },
] as const;

/** The builder a procedure was made from: the longest builder whose middlewares start its own. */
function builderOf(def: ProcedureDef) {
  return [...BUILDERS]
    .sort((a, b) => b.mws.length - a.mws.length)
    .find((b) => b.mws.every((mw, i) => def.middlewares[i] === mw));
}

/**
 * Mutations that audit themselves in their service (with what they did) rather than through the
 * `audited` middleware: the Parser records each applied spec, dry runs included.
 */
const AUDITED_BY_SERVICE = new Set(["parser.applySpec"]);

/**
 * Operator mutations left out of the audit log on purpose: a deployed executor's heartbeat, every
 * few seconds, changes only its own load figures and last-seen time (its registration is audited).
 */
const UNAUDITED_BEATS = new Set(["executors.heartbeat"]);

describe("the access matrix of the tRPC procedures", () => {
  it("enumerates the router (the check sees what it guards)", () => {
    expect(procedures.length).toBeGreaterThan(100);
    expect(procedures.map((p) => p.path)).toContain("policies.dryRun");
  });

  it("declares a rule for every procedure, and none for a procedure that does not exist", () => {
    const paths = procedures.map((p) => p.path);
    expect(paths.filter((p) => !(p in PROCEDURE_RULES))).toEqual([]);
    expect(Object.keys(PROCEDURE_RULES).filter((p) => !paths.includes(p))).toEqual([]);
  });

  it("declares the rule each procedure's builder enforces", () => {
    const mismatches = procedures.flatMap(({ path, def }) => {
      const builder = builderOf(def);
      const declared = PROCEDURE_RULES[path] as ProcedureRule;
      // A join token is checked by the procedure itself, which anyone may reach.
      const enforced = declared === "join" && builder?.rule === "public" ? "join" : builder?.rule;
      return enforced === declared ? [] : [`${path}: declared ${declared}, built on ${builder?.name}`];
    });
    expect(mismatches).toEqual([]);
  });

  it("makes every operator and admin mutation audited", () => {
    const unaudited = procedures
      .filter(({ path, def }) => {
        const rule = PROCEDURE_RULES[path];
        return def.type === "mutation" && (rule === "operator" || rule === "admin");
      })
      .filter(
        ({ path, def }) =>
          !builderOf(def)?.audited && !AUDITED_BY_SERVICE.has(path) && !UNAUDITED_BEATS.has(path),
      )
      .map(({ path }) => path);
    expect(unaudited).toEqual([]);
  });

  it("keeps code runs out of a viewer's reach", () => {
    for (const path of ["policies.dryRun", "policies.execute", "functions.invoke", "vdags.healthCheck"])
      expect([path, expectedOutcome(PROCEDURE_RULES[path] as ProcedureRule, "viewer")]).toEqual([
        path,
        "FORBIDDEN",
      ]);
  });
});

describe("the access matrix of the runtimes' routes", () => {
  const tables: Record<string, Record<string, { access: string }>> = {
    instance: INSTANCE_ROUTES,
    executor: EXECUTOR_ROUTES,
    vdagController: CONTROLLER_ROUTES,
    functionReplica: REPLICA_ROUTES,
  };

  it("covers every runtime's route table, and no other", () => {
    expect(Object.keys(RUNTIME_ROUTE_RULES).sort()).toEqual(Object.keys(tables).sort());
  });

  it.each(Object.keys(tables))(
    "declares each route of the %s table with the access the table enforces",
    (name) => {
      const table = tables[name] ?? {};
      const declared = RUNTIME_ROUTE_RULES[name] ?? {};
      const routes = Object.keys(table);
      expect(
        routes.filter((r) => !(r in declared)),
        "routes without a rule",
      ).toEqual([]);
      expect(
        Object.keys(declared).filter((r) => !routes.includes(r)),
        "rules of no route",
      ).toEqual([]);
      expect(Object.fromEntries(routes.map((r) => [r, table[r]?.access]))).toEqual(declared);
    },
  );

  it("takes the workload's data token on every data route of every runtime", () => {
    const open = Object.entries(RUNTIME_ROUTE_RULES).flatMap(([name, rules]) =>
      Object.entries(rules)
        .filter(([route]) =>
          /^(POST \/(v1\/)?infer|POST \/invoke|GET \/v1\/tasks\/|GET \/quota\/)/.test(route),
        )
        .filter(([, rule]) => rule !== "workload-data")
        .map(([route]) => `${name} ${route}`),
    );
    expect(open).toEqual([]);
    expect(RUNTIME_ROUTE_RULES.instance?.["POST /infer"]).toBe("workload-data");
    expect(RUNTIME_ROUTE_RULES.executor?.["POST /infer"]).toBe("workload-data");
    expect(RUNTIME_ROUTE_RULES.vdagController?.["POST /v1/infer"]).toBe("workload-data");
    expect(RUNTIME_ROUTE_RULES.vdagController?.["GET /v1/tasks/:taskId"]).toBe("workload-data");
    expect(RUNTIME_ROUTE_RULES.vdagController?.["GET /quota/:session"]).toBe("workload-data");
    expect(RUNTIME_ROUTE_RULES.functionReplica?.["POST /invoke"]).toBe("workload-data");
  });

  it("makes every route that changes a workload a control route", () => {
    const writes = Object.entries(RUNTIME_ROUTE_RULES).flatMap(([name, rules]) =>
      Object.entries(rules)
        .filter(([route]) => /\/(mgmt|management|setParameters|config|instances|reset)\b/.test(route))
        .filter(([route]) => !route.startsWith("GET /quota/"))
        .filter(([, rule]) => rule !== "control")
        .map(([route]) => `${name} ${route}`),
    );
    expect(writes).toEqual([]);
  });
});

describe("the access matrix of the API's data plane", () => {
  it("declares a rule for every route of the data plane's table, and none for a route it has not", () => {
    expect(Object.keys(DATA_PLANE_ROUTE_RULES).sort()).toEqual(Object.keys(DATA_PLANE_ROUTES).sort());
  });

  it("keeps blob uploads to operators and lets agents download blobs", () => {
    const upload = DATA_PLANE_ROUTE_RULES["PUT /v1/assets/blobs/:sha256"];
    const download = DATA_PLANE_ROUTE_RULES["GET /v1/assets/blobs/:sha256"];
    expect(upload && download).toBeTruthy();
    if (!upload || !download) return;
    expect(
      ["viewer", "agent-this-cluster", "data", "join"].map((c) =>
        expectedDataPlaneOutcome(upload, c as never),
      ),
    ).toEqual(["FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"]);
    expect(expectedDataPlaneOutcome(download, "agent-other-cluster")).toBe("allowed");
    expect(expectedDataPlaneOutcome(download, "data")).toBe("FORBIDDEN");
  });
});
