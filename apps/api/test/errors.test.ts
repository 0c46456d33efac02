import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { describe, expect, it } from "vitest";
import { assertClusterScope } from "../src/cluster-scope";
import {
  AppError,
  ConflictError,
  DeniedError,
  ForbiddenError,
  httpStatusOf,
  NotFoundError,
  OperationalError,
  PayloadTooLargeError,
  QuotaExceededError,
  UnexpectedError,
  UserError,
} from "../src/errors";
import { trpcCodeOf } from "../src/trpc";

const CASES: Array<[AppError, number, string]> = [
  [new UserError("x: bad"), 400, "BAD_REQUEST"],
  [new ForbiddenError("not yours"), 403, "FORBIDDEN"],
  [new DeniedError("policy says no"), 403, "FORBIDDEN"],
  [new NotFoundError("block", "blk-1"), 404, "NOT_FOUND"],
  [new ConflictError("exists"), 409, "CONFLICT"],
  [new PayloadTooLargeError("too big"), 413, "PAYLOAD_TOO_LARGE"],
  [new QuotaExceededError("enough"), 429, "TOO_MANY_REQUESTS"],
  [new OperationalError("down"), 503, "SERVICE_UNAVAILABLE"],
  [new UnexpectedError("oops"), 500, "INTERNAL_SERVER_ERROR"],
];

describe("the error taxonomy's one mapping", () => {
  it.each(CASES)(
    "%s is HTTP %i, tRPC %s, and tRPC answers that code with the same status",
    (err, status, code) => {
      expect(httpStatusOf(err)).toBe(status);
      expect(trpcCodeOf(err)).toBe(code);
      expect(getHTTPStatusCodeFromError(new TRPCError({ code: trpcCodeOf(err) }))).toBe(status);
    },
  );

  it("answers 500 for anything outside the taxonomy", () => {
    expect(httpStatusOf(new Error('invalid byte sequence for encoding "UTF8": 0x00'))).toBe(500);
    expect(httpStatusOf("a string")).toBe(500);
  });

  it("counts ForbiddenError as an error of the taxonomy", () => {
    expect(new ForbiddenError("x")).toBeInstanceOf(AppError);
  });
});

describe("assertClusterScope", () => {
  it("lets an unscoped caller reach every cluster, and a scoped one its own", () => {
    expect(() => assertClusterScope(null, "edge-1", "block blk-1")).not.toThrow();
    expect(() => assertClusterScope("edge-1", "edge-1", "block blk-1")).not.toThrow();
  });

  it("refuses another cluster's thing with a ForbiddenError naming both clusters", () => {
    expect(() => assertClusterScope("edge-1", "edge-2", "controller vdc-1")).toThrow(ForbiddenError);
    expect(() => assertClusterScope("edge-1", "edge-2", "controller vdc-1")).toThrow(
      "controller vdc-1 is on cluster edge-2; this agent token belongs to cluster edge-1",
    );
    expect(() => assertClusterScope("edge-1", "edge-2")).toThrow(
      "this agent token belongs to cluster edge-1, not edge-2",
    );
  });

  it("refuses a scoped caller a thing placed on no cluster", () => {
    expect(() => assertClusterScope("edge-1", null, "block blk-1")).toThrow(ForbiddenError);
  });
});

describe("UserError.fromIssues", () => {
  const issues = [
    { path: "spec.nodes[0].id", message: "Required" },
    { path: "spec.config", message: "unknown field" },
  ];

  it("keeps every issue and words the first, saying how many more there are", () => {
    const err = UserError.fromIssues(issues, "invalid spec document");
    expect(err.message).toBe("invalid spec document: spec.nodes[0].id: Required (and 1 more)");
    expect(err.issues).toEqual(issues);
    expect(UserError.fromIssues(issues.slice(1)).message).toBe("spec.config: unknown field");
  });
});
