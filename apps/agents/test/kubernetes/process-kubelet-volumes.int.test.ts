import type { CoreV1Api, V1Container } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AIOS_TEST_IMAGE,
  notFound,
  type ProcessNodePeer,
  startProcessNodePeer,
  until,
} from "./kube-test-kit";

/**
 * The process kubelet's volumes (scripts/process-kubelet/volumes.ts) against the real control plane
 * of the test peer: an emptyDir is a folder of the pod that its containers share at its mountPath.
 */
const namespace = "process-kubelet-volumes";
const nodeName = "process-node-volumes";
let node: ProcessNodePeer;
let core: CoreV1Api;

beforeAll(async () => {
  node = await startProcessNodePeer({ nodeName, podAddressPrefix: "127.82", namespace });
  core = node.core;
  await until("the namespace's default service account", () =>
    core.readNamespacedServiceAccount({ name: "default", namespace }).then(() => true, notFound),
  );
}, 180_000);

afterAll(async () => {
  await node?.stop();
});

const readPod = (name: string) => core.readNamespacedPod({ name, namespace });

const script = (name: string, code: string): V1Container => ({
  name,
  image: AIOS_TEST_IMAGE,
  command: [process.execPath, "-e", code],
});

describe("the process kubelet's volumes", () => {
  it("shares an emptyDir volume between an init container and the container, at its mountPath", async () => {
    const write = `require("node:fs").writeFileSync(process.argv[1] + "/note.txt", process.env.NOTE)`;
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "volumed" },
        spec: {
          nodeName,
          restartPolicy: "Never",
          volumes: [{ name: "work", emptyDir: {} }],
          initContainers: [
            {
              ...script("prepare", write),
              args: ["/data/work"],
              env: [{ name: "NOTE", value: "from init" }],
              volumeMounts: [{ name: "work", mountPath: "/data/work" }],
            },
          ],
          containers: [
            {
              ...script("main", `console.log("read " + require("node:fs").readFileSync("note.txt", "utf8"))`),
              workingDir: "/data/work",
              volumeMounts: [{ name: "work", mountPath: "/data/work", readOnly: true }],
            },
          ],
        },
      },
    });
    await until("the pod succeeds", async () => (await readPod("volumed")).status?.phase === "Succeeded");
    expect(await core.readNamespacedPodLog({ name: "volumed", namespace, container: "main" })).toBe(
      "read from init\n",
    );
  });

  it("holds a container that mounts a kind of volume it does not play, saying so", async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "hostpathed" },
        spec: {
          nodeName,
          volumes: [{ name: "host", hostPath: { path: "/etc" } }],
          containers: [{ ...script("main", "0"), volumeMounts: [{ name: "host", mountPath: "/host" }] }],
        },
      },
    });
    const waiting = await until("the container waits", async () => {
      const w = (await readPod("hostpathed")).status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === "CreateContainerConfigError" ? w : false;
    });
    expect(waiting.message).toContain("volume host: the process kubelet plays emptyDir volumes only");
    await core.deleteNamespacedPod({ name: "hostpathed", namespace, gracePeriodSeconds: 0 });
  });
});
