import type { Workload } from "../drivers/driver";

export interface InstanceReply {
  instanceId: string;
  /** HTTP status of the instance's answer; 0 when it could not be reached. */
  status: number;
  reply: unknown;
}

/** POSTs the same body to each instance's control route and collects every reply. */
export function postToInstances(
  targets: Array<[string, Workload]>,
  path: "/mgmt" | "/setParameters",
  body: unknown,
): Promise<InstanceReply[]> {
  return Promise.all(
    targets.map(async ([id, w]) => {
      try {
        const res = await fetch(`${w.endpoint}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        return { instanceId: id, status: res.status, reply: (await res.json()) as unknown };
      } catch (err) {
        return { instanceId: id, status: 0, reply: { error: { message: (err as Error).message } } };
      }
    }),
  );
}
