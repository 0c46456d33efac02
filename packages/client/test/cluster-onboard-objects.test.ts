import { describe, expect, it } from "vitest";
import { ZAgentEnv } from "../../../apps/agents/src/env";
import {
  accessObjects,
  agentObjects,
  type OnboardSettings,
  onboardLabels,
  type TJoinSecret,
} from "../src/cli/onboard/objects";

const settings: OnboardSettings = {
  clusterId: "edge-1",
  namespace: "aios-system",
  blocksNamespace: "aios-blocks",
  image: "registry.example/aios:1.2.3",
  queueBackend: "redis",
};
const secret: TJoinSecret = {
  AIOS_JOIN_TOKEN: "aios_join",
  AIOS_API_URL: "https://aios.example",
  AIOS_QUEUE_URL: "redis://queues.example:6379/0",
};

type Env = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { key: string }; fieldRef?: { fieldPath: string } };
};

describe("the objects aios cluster onboard applies", () => {
  const objects = [...accessObjects(settings), ...agentObjects(settings, secret)];

  it("labels every object, and the agent's pods, for offboard to find", () => {
    for (const o of objects) expect(o.metadata.labels).toMatchObject(onboardLabels("edge-1"));
    const ds = objects.find((o) => o.kind === "DaemonSet") as
      | { spec: { template: { metadata: { labels: Record<string, string> } } } }
      | undefined;
    expect(ds?.spec.template.metadata.labels).toMatchObject(onboardLabels("edge-1"));
  });

  it("gives the agent settings its own parser accepts: the kubernetes driver in the blocks' namespace, joining with the Secret's token", () => {
    const ds = objects.find((o) => o.kind === "DaemonSet") as unknown as {
      spec: { template: { spec: { containers: Array<{ env: Env[] }> } } };
    };
    const fields: Record<string, string> = { "spec.nodeName": "node-a", "status.podIP": "10.1.2.3" };
    const env = Object.fromEntries(
      (ds.spec.template.spec.containers[0]?.env ?? []).map((e) => [
        e.name,
        e.value ??
          (e.valueFrom?.secretKeyRef
            ? secret[e.valueFrom.secretKeyRef.key as keyof TJoinSecret]
            : undefined) ??
          fields[e.valueFrom?.fieldRef?.fieldPath ?? ""],
      ]),
    );
    const parsed = ZAgentEnv.parse(env);
    expect(parsed).toMatchObject({
      AIOS_DRIVER: "kubernetes",
      AIOS_CLUSTER_ID: "edge-1",
      AIOS_JOIN_TOKEN: "aios_join",
      AIOS_API_URL: "https://aios.example",
      AIOS_QUEUE_URL: "redis://queues.example:6379/0",
      AIOS_AUTH: "token",
      AIOS_BIND_HOST: "10.1.2.3",
      AIOS_NODE_ID: "node-a",
      AIOS_K8S_NODE_NAME: "node-a",
      AIOS_K8S_NAMESPACE: "aios-blocks",
      AIOS_K8S_IMAGE: "registry.example/aios:1.2.3",
    });
    expect(parsed.AIOS_AGENT_TOKEN).toBeUndefined();
  });

  it("keeps the agent's Role and its binding in the blocks' namespace, its secret and workload in its own", () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`)).toEqual([
      "Namespace /aios-system",
      "Namespace /aios-blocks",
      "ServiceAccount aios-system/aios-agent",
      "Role aios-blocks/aios-agent-blocks",
      "RoleBinding aios-blocks/aios-agent-blocks",
      "Secret aios-system/aios-agent-join",
      "DaemonSet aios-system/aios-agent",
    ]);
  });
});
