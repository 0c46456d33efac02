import { describe, expect, it } from "vitest";
import { replicaCounts } from "./replicas";

const replica = (index: number, status: "starting" | "ready" | "failed" | "stopped") => ({
  index,
  status,
  endpoint: status === "ready" ? `http://127.0.0.1:${9000 + index}` : null,
  pid: null,
});

describe("replica counts", () => {
  it("counts ready, starting and failed replicas against the desired count; stopped ones not at all", () => {
    const counts = replicaCounts({
      replicas: 3,
      replicaStates: [
        replica(0, "ready"),
        replica(1, "starting"),
        replica(2, "failed"),
        replica(3, "stopped"),
      ],
    });
    expect(counts).toEqual({ desired: 3, ready: 1, starting: 1, failed: 1 });
  });
});
