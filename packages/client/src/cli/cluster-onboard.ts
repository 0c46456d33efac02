import { existsSync } from "node:fs";
import { isDnsLabel, parseExpiresIn } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";
import type { ClusterObjects, TApplied } from "./onboard/kube";
import {
  accessObjects,
  agentObjects,
  JOIN_SECRET,
  joinSecret,
  joinSecretValues,
  type KubeObject,
  type OnboardSettings,
  objectRef,
  onboardSelector,
  type TJoinSecret,
} from "./onboard/objects";

export const ONBOARD_USAGE = `  aios cluster onboard --kubeconfig FILE --cluster-id X --image IMAGE --queue-url URL
                       [--context C] [--namespace aios-system] [--blocks-namespace aios-blocks]
                       [--api-url URL] [--join-expires 1h] [--join-nodes N] [--renew-join-token]
                                          run cluster X's agents on a Kubernetes cluster: its
                                          namespaces, the agent's service account, its Role in the
                                          blocks' namespace, a Secret with a join token (admin), the
                                          API's and the queues' URLs, and a DaemonSet of agents of
                                          IMAGE. Again: changes only what differs, keeping the join
                                          token unless --renew-join-token. --api-url: the API as the
                                          agents reach it (default AIOS_API_URL). --join-nodes: how
                                          many nodes' agents the join token lets join (default: the
                                          cluster's nodes now)
  aios cluster offboard X --kubeconfig FILE [--context C]
                                          remove everything onboarding made for cluster X, and
                                          revoke its agent and join tokens (admin)`;

/** `redis://…` or `postgres://…`: the agent's AIOS_QUEUE_BACKEND follows from the scheme. */
function queueBackendOf(url: string): OnboardSettings["queueBackend"] {
  const scheme = urlScheme("--queue-url", url);
  if (scheme === "redis:" || scheme === "rediss:") return "redis";
  if (scheme === "postgres:" || scheme === "postgresql:") return "postgres";
  throw new CliUsageError(
    `cluster onboard --queue-url must be a redis://, rediss:// or postgres:// URL, got ${scheme}`,
  );
}

function urlScheme(option: string, url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    throw new CliUsageError(`cluster onboard ${option} must be a URL, got ${JSON.stringify(url)}`);
  }
}

const dnsLabel = (option: string, value: string) => {
  if (!isDnsLabel(value))
    throw new CliUsageError(
      `cluster onboard ${option} ${JSON.stringify(value)} must be a DNS-1123 label (lowercase letters, digits and '-')`,
    );
  return value;
};

function kubeconfigOf(command: string, value: string | undefined): string {
  if (!value) throw new CliUsageError(`${command} needs --kubeconfig (the cluster's kubeconfig file)`);
  if (!existsSync(value))
    throw new CliUsageError(`${command} --kubeconfig: no such file ${JSON.stringify(value)}`);
  return value;
}

interface OnboardArgs {
  settings: OnboardSettings;
  kubeconfig: string;
  context: string | undefined;
  apiUrl: string;
  queueUrl: string;
  joinExpires: string | undefined;
  /** How many agents the join token admits; undefined: the cluster's nodes, counted. */
  joinNodes: number | undefined;
  renewJoinToken: boolean;
}

/** Every argument of `cluster onboard` checked, each error naming its flag, before anything is called. */
export function onboardArgs(args: string[], env: CliIo["env"]): OnboardArgs {
  const { values, positionals } = parseOrRefuse("cluster onboard", args, {
    kubeconfig: { type: "string" },
    context: { type: "string" },
    "cluster-id": { type: "string" },
    namespace: { type: "string" },
    "blocks-namespace": { type: "string" },
    image: { type: "string" },
    "api-url": { type: "string" },
    "queue-url": { type: "string" },
    "join-expires": { type: "string" },
    "join-nodes": { type: "string" },
    "renew-join-token": { type: "boolean" },
  });
  noMore("cluster onboard", positionals);
  const kubeconfig = kubeconfigOf("cluster onboard", values.kubeconfig);
  if (!values["cluster-id"])
    throw new CliUsageError("cluster onboard needs --cluster-id (the AIOS cluster's id)");
  const clusterId = dnsLabel("--cluster-id", values["cluster-id"]);
  const namespace = dnsLabel("--namespace", values.namespace ?? "aios-system");
  const blocksNamespace = dnsLabel("--blocks-namespace", values["blocks-namespace"] ?? "aios-blocks");
  if (blocksNamespace === namespace)
    throw new CliUsageError(
      `cluster onboard --blocks-namespace must differ from --namespace (${namespace}): the agent's Role there would reach its own Secret`,
    );
  const image = values.image;
  if (!image)
    throw new CliUsageError("cluster onboard needs --image (the AIOS image the agents and blocks run)");
  if (/\s/.test(image))
    throw new CliUsageError(`cluster onboard --image ${JSON.stringify(image)} has whitespace`);
  const queueUrl = values["queue-url"];
  if (!queueUrl)
    throw new CliUsageError(
      "cluster onboard needs --queue-url (the queues' redis:// URL, as the agents reach it)",
    );
  const queueBackend = queueBackendOf(queueUrl);
  const apiUrl = values["api-url"] ?? env.AIOS_API_URL ?? "http://127.0.0.1:4000";
  const apiScheme = urlScheme("--api-url", apiUrl);
  if (apiScheme !== "http:" && apiScheme !== "https:")
    throw new CliUsageError(`cluster onboard --api-url must be an http:// or https:// URL, got ${apiScheme}`);
  return {
    settings: { clusterId, namespace, blocksNamespace, image, queueBackend },
    kubeconfig,
    context: values.context,
    apiUrl,
    queueUrl,
    joinExpires: joinExpiresOf(values["join-expires"]),
    joinNodes: nodesOf("cluster onboard --join-nodes", values["join-nodes"]),
    renewJoinToken: values["renew-join-token"] ?? false,
  };
}

/** client-node, loaded only by the commands that talk to a cluster: every other call starts faster. */
const kubeModule = () => import("./onboard/kube");

/** A count of nodes, 1 to 10000, or undefined when not given. */
export function nodesOf(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 10_000)
    throw new CliUsageError(
      `${option} must be a whole number of nodes, 1 to 10000, got ${JSON.stringify(value)}`,
    );
  return n;
}

function joinExpiresOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseExpiresIn(value);
  if (!parsed.ok) throw new CliUsageError(`cluster onboard --join-expires: ${parsed.error}`);
  return value;
}

const line = (state: TApplied | "removed" | "removing", ref: string) => `${state.padEnd(10)} ${ref}`;

export async function onboardCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const a = onboardArgs(args, io.env);
  const { clusterId, namespace } = a.settings;
  const { ClusterObjects, KubeStepError, loadKubeConfig } = await kubeModule();
  const kube = new ClusterObjects(loadKubeConfig(a.kubeconfig, a.context));
  const done: string[] = [];
  try {
    const apply = async (o: KubeObject) => {
      const state = await kube.apply(o, clusterId);
      io.out(line(state, objectRef(o)));
      if (state === "created" || state === "updated") done.push(objectRef(o));
    };
    for (const o of accessObjects(a.settings)) await apply(o);
    const secret = await joinSecretFor(api, kube, a, io);
    for (const o of agentObjects(a.settings, secret)) await apply(o);
  } catch (err) {
    const made = done.length
      ? `It had made or changed: ${done.join(", ")}; all of it is labelled ${onboardSelector(clusterId)}, and \`aios cluster offboard ${clusterId} --kubeconfig ${a.kubeconfig}\` removes it.`
      : "";
    if (!(err instanceof KubeStepError)) {
      // The API's answer (no join token: unreachable, or not an admin), reported by main.
      if (made) io.err(`onboarding cluster ${clusterId} stopped before its join Secret. ${made}`);
      throw err;
    }
    io.err(`error: onboarding cluster ${clusterId} stopped at ${err.message}${made ? `\n${made}` : ""}`);
    return 1;
  }
  io.err(
    `cluster ${clusterId} onboarded: the agents (DaemonSet ${namespace}/aios-agent) join the API at ${a.apiUrl}; the cluster is listed (aios get clusters) once one registers.`,
  );
  return 0;
}

/**
 * The Secret's values: its join token kept when onboarding made it before for this cluster (so a
 * second run changes nothing), else a new one from the API (clusters.joinToken, admin only).
 */
async function joinSecretFor(
  api: ApiClient,
  kube: ClusterObjects,
  a: OnboardArgs,
  io: CliIo,
): Promise<TJoinSecret> {
  const existing = await kube.read<{
    data?: Record<string, string>;
    metadata?: { labels?: Record<string, string> };
  }>(joinSecret(a.settings, { AIOS_JOIN_TOKEN: "", AIOS_API_URL: "", AIOS_QUEUE_URL: "" }));
  const kept =
    existing?.metadata?.labels?.["aios.dev/cluster"] === a.settings.clusterId
      ? joinSecretValues(existing)
      : null;
  if (kept && !a.renewJoinToken)
    return { AIOS_JOIN_TOKEN: kept.AIOS_JOIN_TOKEN, AIOS_API_URL: a.apiUrl, AIOS_QUEUE_URL: a.queueUrl };
  const nodes = a.joinNodes ?? Math.max(1, await kube.nodeCount());
  const issued = await api.clusters.joinToken.mutate({
    clusterId: a.settings.clusterId,
    nodes,
    ...(a.joinExpires ? { expiresIn: a.joinExpires } : {}),
  });
  io.err(
    `join token ${issued.id} issued for cluster ${a.settings.clusterId} (${nodes} node${nodes === 1 ? "" : "s"})${issued.expiresAt ? `, expires ${issued.expiresAt}` : ""}; kept in Secret ${a.settings.namespace}/${JOIN_SECRET}`,
  );
  return { AIOS_JOIN_TOKEN: issued.token, AIOS_API_URL: a.apiUrl, AIOS_QUEUE_URL: a.queueUrl };
}

export async function offboardCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrRefuse("cluster offboard", args, {
    kubeconfig: { type: "string" },
    context: { type: "string" },
  });
  const [clusterId, ...extra] = positionals;
  if (!clusterId) throw new CliUsageError("cluster offboard needs the CLUSTER id");
  noMore("cluster offboard", extra);
  if (!isDnsLabel(clusterId))
    throw new CliUsageError(
      `cluster offboard: CLUSTER ${JSON.stringify(clusterId)} must be a DNS-1123 label (lowercase letters, digits and '-')`,
    );
  const kubeconfig = kubeconfigOf("cluster offboard", values.kubeconfig);
  const { ClusterObjects, KubeStepError, loadKubeConfig } = await kubeModule();
  const kube = new ClusterObjects(loadKubeConfig(kubeconfig, values.context));
  let removed = 0;
  try {
    for (const o of await kube.listOnboarded(clusterId)) {
      if (o.metadata?.deletionTimestamp) {
        io.out(line("removing", objectRef(o)));
        continue;
      }
      if (await kube.remove(o)) {
        io.out(line("removed", objectRef(o)));
        removed++;
      }
    }
  } catch (err) {
    if (!(err instanceof KubeStepError)) throw err;
    io.err(`error: offboarding cluster ${clusterId} stopped at ${err.message}`);
    return 1;
  }
  io.err(
    removed
      ? `cluster ${clusterId} offboarded: ${removed} object(s) removed (namespaces finish terminating in the background)`
      : `nothing of cluster ${clusterId} to remove (no object labelled ${onboardSelector(clusterId)})`,
  );
  // Its agents are gone: their tokens (and its join tokens) must not reach the API any more.
  try {
    const { revoked } = await api.clusters.revokeTokens.mutate({ clusterId });
    io.err(`revoked ${revoked} agent and join token(s) of cluster ${clusterId} in the API`);
  } catch (err) {
    io.err(
      `error: the API did not revoke cluster ${clusterId}'s agent and join tokens (${(err as Error).message}); an admin can: aios token list, then aios token revoke ID`,
    );
    return 1;
  }
  return 0;
}
