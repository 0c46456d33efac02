import {
  type TInstanceBlockEvent,
  type TInstanceEventsReply,
  ZInstanceBlockEvent,
  ZInstanceEventsReply,
} from "@aios/contracts";
import { controlHeaders, fetchJson, type Logger } from "@aios/service-kit";
import type { Workload } from "../drivers/driver";

export interface InstanceReply {
  instanceId: string;
  /** HTTP status of the instance's answer; 0 when it could not be reached. */
  status: number;
  reply: unknown;
}

/** POSTs the same body to each instance's control route (with its control token) and collects every reply. */
export function postToInstances(
  targets: Array<[string, Workload]>,
  path: "/mgmt" | "/setParameters",
  body: unknown,
): Promise<InstanceReply[]> {
  return Promise.all(
    targets.map(async ([id, w]) => ({
      instanceId: id,
      ...(await postControl(`${w.endpoint}${path}`, body, w.controlToken)),
    })),
  );
}

/**
 * POSTs a JSON body to a control route (of an instance or an executor) within 10 s: the answer's
 * status and JSON, or status 0 and the error when there was no answer. `token`: the workload's
 * control token, sent as `authorization: Bearer`.
 */
export async function postControl(
  url: string,
  body: unknown,
  token?: string | null,
): Promise<{ status: number; reply: unknown }> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...controlHeaders(token) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, reply: (await res.json()) as unknown };
  } catch (err) {
    return { status: 0, reply: { error: { message: (err as Error).message } } };
  }
}

/**
 * The events an instance emitted since the last call (`GET /events`, with its control token), each
 * checked as the API will (a bad one is dropped here, named in the log, rather than failing the
 * report); none when it did not answer (not listening yet, or an SDK without events).
 */
export async function drainInstanceEvents(
  instanceId: string,
  w: Workload,
  log: Logger,
): Promise<TInstanceBlockEvent[]> {
  let reply: TInstanceEventsReply;
  try {
    // Asked of every instance on every watch tick: `fetchJson`, a fraction of `fetch`'s cost.
    const answer = await fetchJson(
      `${w.endpoint}/events`,
      { headers: controlHeaders(w.controlToken) },
      2_000,
    );
    reply = ZInstanceEventsReply.parse(answer);
  } catch {
    return [];
  }
  if (reply.dropped > 0)
    log.warn("instance dropped events (outbox full)", { instanceId, dropped: reply.dropped });
  return reply.events.flatMap((e) => {
    const event = ZInstanceBlockEvent.safeParse({ instanceId, name: e.name, data: e.data, at: e.at });
    if (event.success) return [event.data];
    log.warn("instance event dropped", { instanceId, name: e.name, problem: event.error.issues[0]?.message });
    return [];
  });
}
