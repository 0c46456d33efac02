import { generateKeyPairSync, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, type Endpoint } from "./api";
import { fakeNode, kwokNodeAnnotation } from "./nodes";
import { builtPeer, type PeerVersions, projectStagesDir } from "./peer-build";
import { freePort, type PeerProcess, startProcess, stopProcess, waitUntil } from "./processes";
import { peerDirPrefix, reapOrphanedPeers, recordOwner, recordProcess } from "./reap";

export interface KubePeerOptions {
  /** Simulated nodes, named `kwok-node-0` and up. Default 2. */
  nodes?: number;
  /** `nvidia.com/gpu` capacity of each node. Default 4. */
  gpusPerNode?: number;
  cpuPerNode?: string;
  memoryPerNode?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** A running control plane: its API server, an admin kubeconfig for it, and its simulated nodes. */
export interface KubePeer {
  /** https://127.0.0.1:PORT */
  server: string;
  /** Bearer token of a member of `system:masters`. */
  token: string;
  /** PEM bundle that the API server's serving certificate chains to. */
  caPem: string;
  kubeconfigPath: string;
  /** The same kubeconfig as YAML text, for `KubeConfig.loadFromString`. */
  kubeconfig: string;
  nodeNames: string[];
  versions: PeerVersions;
  /**
   * Stops kube-apiserver (SIGTERM, so its watches end) and starts it again on the same port, with
   * the same certificate and data; resolves once it is ready. For the client's reconnects.
   */
  restartApiServer(): Promise<void>;
  /** Stops every process and removes the peer's data; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, all on 127.0.0.1
 * and on ports free at the time, with their data in a new temporary folder; creates the simulated
 * nodes and waits until they are Ready. Needs the peer built (`scripts/kube-peer.ts build`).
 */
export async function startKubePeer(options: KubePeerOptions = {}): Promise<KubePeer> {
  const build = await builtPeer();
  const log = options.log ?? (() => {});
  for (const gone of reapOrphanedPeers()) log(`kube-peer: removed ${gone}, left by a runner that was killed`);
  const dir = mkdtempSync(join(tmpdir(), peerDirPrefix));
  recordOwner(dir);
  const logs = join(dir, "logs");
  mkdirSync(logs);
  const started: PeerProcess[] = [];
  const launch = (...args: Parameters<typeof startProcess>): PeerProcess => {
    const p = startProcess(...args);
    recordProcess(dir, p.child.pid);
    return p;
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of started.reverse()) await stopProcess(p);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const token = randomBytes(24).toString("hex");
    writeFileSync(join(dir, "tokens.csv"), `${token},aios-test-admin,aios-test-admin,"system:masters"\n`, {
      mode: 0o600,
    });
    const sa = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    writeFileSync(join(dir, "sa.pub"), sa.publicKey);
    writeFileSync(join(dir, "sa.key"), sa.privateKey, { mode: 0o600 });

    const etcdPort = await freePort();
    const etcdPeerPort = await freePort();
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = launch(
      "etcd",
      build.bin.etcd,
      [
        "--name=peer",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-cluster=peer=http://127.0.0.1:${etcdPeerPort}`,
        // Test data: an fsync per write would only slow the tests down.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
      logs,
    );
    started.push(etcd);
    await waitUntil("etcd is healthy", etcd, async () => {
      const res = await fetch(`${etcdUrl}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === "true";
    });
    log(`kube-peer: etcd on ${etcdUrl}`);

    const apiPort = await freePort();
    const server = `https://127.0.0.1:${apiPort}`;
    const certDir = join(dir, "apiserver-certs");
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      // Made on the first start and found again on a restart, so that the kubeconfig stays valid.
      `--cert-dir=${certDir}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      "--service-cluster-ip-range=10.96.0.0/16",
      `--service-account-key-file=${join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      "--allow-privileged=true",
      "--profiling=false",
      // Watches end at a stop instead of holding it until SIGKILL (a restart takes ~4 s, not ~13).
      "--shutdown-watch-termination-grace-period=2s",
      // The kubernetes Service cannot point at a loopback address, and no simulated pod dials it.
      "--endpoint-reconciler-type=none",
    ];
    let apiserver = launch("kube-apiserver", build.bin["kube-apiserver"], apiserverArgs, logs);
    started.push(apiserver);
    const caPath = join(certDir, "apiserver.crt");
    await waitUntil("kube-apiserver made its certificate", apiserver, async () => existsSync(caPath));
    // The file holds the serving certificate and the self-signed CA that signed it.
    await waitUntil("kube-apiserver wrote its whole certificate", apiserver, async () =>
      /END CERTIFICATE[\s\S]*END CERTIFICATE/.test(readFileSync(caPath, "utf8")),
    );
    const caPem = readFileSync(caPath, "utf8");
    const admin: Endpoint = { url: server, ca: caPem, token };
    const apiserverReady = (p: PeerProcess) =>
      waitUntil(
        "kube-apiserver is ready",
        p,
        async () => (await call(admin, "GET", "/readyz")).status === 200,
        90_000,
      );
    await apiserverReady(apiserver);
    const restartApiServer = async () => {
      await stopProcess(apiserver);
      const again = launch("kube-apiserver", build.bin["kube-apiserver"], apiserverArgs, logs);
      started[started.indexOf(apiserver)] = again;
      apiserver = again;
      await apiserverReady(apiserver);
    };
    log(`kube-peer: kube-apiserver on ${server}`);

    const kubeconfig = kubeconfigYaml(server, caPem, token);
    const kubeconfigPath = join(dir, "kubeconfig");
    writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });

    const kcmPort = await freePort();
    const kcm = launch(
      "kube-controller-manager",
      build.bin["kube-controller-manager"],
      [
        `--kubeconfig=${kubeconfigPath}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${kcmPort}`,
        `--cert-dir=${join(dir, "kcm-certs")}`,
        "--leader-elect=false",
        `--service-account-private-key-file=${join(dir, "sa.key")}`,
        `--root-ca-file=${caPath}`,
        "--profiling=false",
      ],
      logs,
    );
    started.push(kcm);
    await waitUntil("kube-controller-manager is healthy", kcm, async () => {
      return (await call({ url: `https://127.0.0.1:${kcmPort}` }, "GET", "/healthz")).status === 200;
    });
    // Pods are refused in a namespace until its default service account exists.
    await waitUntil(
      "kube-controller-manager made the default service account",
      kcm,
      async () =>
        (await call(admin, "GET", "/api/v1/namespaces/default/serviceaccounts/default")).status === 200,
    );
    log("kube-peer: kube-controller-manager is running");

    const schedulerPort = await freePort();
    const scheduler = launch(
      "kube-scheduler",
      build.bin["kube-scheduler"],
      [
        `--kubeconfig=${kubeconfigPath}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${schedulerPort}`,
        "--leader-elect=false",
        "--profiling=false",
      ],
      logs,
    );
    started.push(scheduler);
    await waitUntil("kube-scheduler is healthy", scheduler, async () => {
      return (await call({ url: `https://127.0.0.1:${schedulerPort}` }, "GET", "/healthz")).status === 200;
    });
    log("kube-peer: kube-scheduler is running");

    const kwokPort = await freePort();
    const kwokConfig = join(dir, "kwok.yaml");
    const stages = [
      ...build.stages,
      ...readdirSync(projectStagesDir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => join(projectStagesDir, f)),
    ];
    writeFileSync(kwokConfig, stages.map((s) => readFileSync(s, "utf8").trim()).join("\n---\n"));
    const kwok = launch(
      "kwok",
      build.bin.kwok,
      [
        `--config=${kwokConfig}`,
        `--kubeconfig=${kubeconfigPath}`,
        "--manage-all-nodes=false",
        `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation}=fake`,
        `--server-address=127.0.0.1:${kwokPort}`,
        "--node-lease-duration-seconds=40",
        // Node and pod addresses on loopback: whatever tries to reach a simulated pod stays on this machine.
        "--node-ip=127.0.0.1",
        "--cidr=127.16.0.0/16",
      ],
      logs,
      // kwok also reads ~/.kwok/kwok.yaml: a home of its own keeps a user's out.
      { HOME: dir },
    );
    started.push(kwok);
    await waitUntil(
      "kwok is healthy",
      kwok,
      async () => (await fetch(`http://127.0.0.1:${kwokPort}/healthz`)).ok,
    );

    const nodeNames = Array.from({ length: options.nodes ?? 2 }, (_, i) => `kwok-node-${i}`);
    for (const name of nodeNames) {
      const node = fakeNode(name, {
        cpu: options.cpuPerNode ?? "32",
        memory: options.memoryPerNode ?? "256Gi",
        gpus: options.gpusPerNode ?? 4,
        pods: 110,
      });
      const res = await call(admin, "POST", "/api/v1/nodes", node);
      if (res.status !== 201) throw new Error(`creating node ${name}: HTTP ${res.status} ${res.text}`);
    }
    await waitUntil("the simulated nodes are Ready", kwok, async () => {
      const res = await call(admin, "GET", "/api/v1/nodes");
      const items = (res.json as { items?: NodeStatusView[] }).items ?? [];
      return nodeNames.every((n) => items.some((i) => i.metadata.name === n && isReady(i)));
    });
    log(`kube-peer: simulated nodes ${nodeNames.join(", ")} are Ready`);

    return {
      server,
      token,
      caPem,
      kubeconfigPath,
      kubeconfig,
      nodeNames,
      versions: build.versions,
      restartApiServer,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

interface NodeStatusView {
  metadata: { name: string };
  status?: { conditions?: Array<{ type: string; status: string }> };
}
const isReady = (n: NodeStatusView) =>
  n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

function kubeconfigYaml(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: aios-test",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    "users:",
    "- name: aios-test-admin",
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: aios-test",
    "  context:",
    "    cluster: aios-test",
    "    user: aios-test-admin",
    "current-context: aios-test",
    "",
  ].join("\n");
}
