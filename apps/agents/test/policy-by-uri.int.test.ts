import { resolve } from "node:path";
import { createApiClient, policySourceResolver } from "@aios/client";
import { loadSpecFile } from "@aios/contracts/files";
import { createPolicyHost } from "@aios/policy-runtime";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../api/test/harness";

const policies = resolve(import.meta.dirname, "../../../examples/specs/policies.json");
const lbInput = {
  mode: "load_balance",
  packet: { session_id: "s", seq_no: 0, data: {}, ts: 0 },
  instances: [
    { id: "in-busy", inFlight: 3 },
    { id: "in-idle", inFlight: 0 },
  ],
};

describe("execution type 1: a process loads a stored policy by its URI", () => {
  const api = useApiServer();

  beforeAll(async () => {
    for (const { document } of loadSpecFile(policies)) await api.caller().parser.applySpec({ document });
  });

  it("fetches the code through the API and runs it in its own sandbox, with its own state", async () => {
    const client = createApiClient({ url: api.url });
    const host = createPolicyHost({ resolve: policySourceResolver(client), isolation: "in-process" });
    try {
      const lb = await host.load("least-loaded:1.0.0-stable");
      expect(lb.kind).toBe("loadBalancer");
      const first = await lb.eval(lbInput);
      expect(first.ok && first.value).toEqual({ instanceId: "in-idle" });
    } finally {
      host.dispose();
    }
  });

  it("names the URI the registry does not know", async () => {
    const client = createApiClient({ url: api.url });
    const host = createPolicyHost({ resolve: policySourceResolver(client) });
    await expect(host.load("no-such-policy:1.0.0-stable")).rejects.toThrow(/no-such-policy:1\.0\.0-stable/);
    host.dispose();
  });
});
