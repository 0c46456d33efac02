import type { CoreV1Api, V1Container, V1EnvVarSource, V1Pod } from "@kubernetes/client-node";
import { ApiException } from "@kubernetes/client-node";

/**
 * A container's environment as the kubelet builds it: `envFrom` first, then `env` in order, each
 * value's `$(NAME)` references expanded against what came before; values from the pod's own
 * fields (the downward API), from Secrets and from ConfigMaps read through the API server.
 */

/** Bad or missing configuration: the kubelet leaves the container waiting with this reason. */
export class ContainerConfigError extends Error {
  readonly reason = "CreateContainerConfigError";
}

export interface EnvContext {
  core: CoreV1Api;
  pod: V1Pod;
  podIP: string;
  hostIP: string;
}

export async function containerEnv(c: V1Container, ctx: EnvContext): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const namespace = ctx.pod.metadata!.namespace!;
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.secretRef) {
      const data = await secretData(ctx.core, namespace, from.secretRef.name!, from.secretRef.optional);
      for (const [k, v] of Object.entries(data ?? {})) env[prefix + k] = v;
    } else if (from.configMapRef) {
      const data = await configMapData(
        ctx.core,
        namespace,
        from.configMapRef.name!,
        from.configMapRef.optional,
      );
      for (const [k, v] of Object.entries(data ?? {})) env[prefix + k] = v;
    }
  }
  for (const v of c.env ?? []) {
    if (v.valueFrom) {
      const value = await valueFrom(v.name, v.valueFrom, ctx);
      if (value !== undefined) env[v.name] = value;
    } else {
      env[v.name] = expand(v.value ?? "", env);
    }
  }
  return env;
}

/** `$(NAME)` becomes NAME's value when defined; `$$(NAME)` stays as the text `$(NAME)`. */
export function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === "$$") return "$";
    return name !== undefined && name in env ? env[name]! : whole;
  });
}

async function valueFrom(name: string, from: V1EnvVarSource, ctx: EnvContext): Promise<string | undefined> {
  const namespace = ctx.pod.metadata!.namespace!;
  if (from.fieldRef) return fieldValue(from.fieldRef.fieldPath, ctx);
  if (from.secretKeyRef) {
    const { name: secret, key, optional } = from.secretKeyRef;
    const data = await secretData(ctx.core, namespace, secret!, optional);
    if (data === undefined) return undefined;
    if (!(key in data)) {
      if (optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${secret}`);
    }
    return data[key];
  }
  if (from.configMapKeyRef) {
    const { name: map, key, optional } = from.configMapKeyRef;
    const data = await configMapData(ctx.core, namespace, map!, optional);
    if (data === undefined) return undefined;
    if (!(key in data)) {
      if (optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${map}`);
    }
    return data[key];
  }
  throw new ContainerConfigError(
    `env ${name}: the process kubelet takes valueFrom.fieldRef, secretKeyRef and configMapKeyRef only`,
  );
}

function fieldValue(path: string, { pod, podIP, hostIP }: EnvContext): string {
  const meta = pod.metadata!;
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return (keyed[1] === "labels" ? meta.labels : meta.annotations)?.[keyed[2]!] ?? "";
  switch (path) {
    case "metadata.name":
      return meta.name!;
    case "metadata.namespace":
      return meta.namespace!;
    case "metadata.uid":
      return meta.uid!;
    case "spec.nodeName":
      return pod.spec!.nodeName!;
    case "spec.serviceAccountName":
      return pod.spec!.serviceAccountName ?? "";
    case "status.podIP":
    case "status.podIPs":
      return podIP;
    case "status.hostIP":
    case "status.hostIPs":
      return hostIP;
  }
  throw new ContainerConfigError(`env fieldRef: unsupported fieldPath "${path}"`);
}

async function secretData(core: CoreV1Api, namespace: string, name: string, optional?: boolean) {
  const secret = await readOrMissing(() => core.readNamespacedSecret({ name, namespace }));
  if (!secret) {
    if (optional) return undefined;
    throw new ContainerConfigError(`secret "${name}" not found`);
  }
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
  );
}

async function configMapData(core: CoreV1Api, namespace: string, name: string, optional?: boolean) {
  const map = await readOrMissing(() => core.readNamespacedConfigMap({ name, namespace }));
  if (!map) {
    if (optional) return undefined;
    throw new ContainerConfigError(`configmap "${name}" not found`);
  }
  return map.data ?? {};
}

async function readOrMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return undefined;
    throw e;
  }
}
