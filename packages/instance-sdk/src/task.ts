import type { TAiosPacket, TInferResponse, TJsonObject } from "@aios/contracts";
import { ZInferRequest } from "@aios/contracts";
import { asInstanceError, describe, InstanceError, isJsonObject, type Reply } from "./errors";
import type { InstanceHost } from "./host";
import { parseOrThrow } from "./host";
import { applyPolicy } from "./processing";
import { vdagPostProcess, vdagPreProcess, withVdagContext } from "./vdag-processing";

/**
 * One task: validate `{packet, vdagNode?}` (400) -> [vDAG pre-processing (422)] -> block
 * pre_processing (422) -> the component's infer (500, or the status of an InstanceError it threw)
 * -> block post_processing (422) -> [vDAG post-processing (422)] -> 200 `{packet}`, and for a vDAG
 * task (one with `vdagNode`) `{packet, next}`.
 */
export async function handleInfer(host: InstanceHost, body: unknown): Promise<Reply> {
  const started = process.hrtime.bigint();
  host.inFlight++;
  host.metrics.inFlight.inc();
  try {
    const response = await runPipeline(host, body);
    host.metrics.tasks.inc({ outcome: "ok" });
    return { status: 200, body: response };
  } catch (e) {
    return host.fail(asInstanceError(e, 500, "infer", "infer failed: "));
  } finally {
    host.inFlight--;
    host.metrics.inFlight.dec();
    host.metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }
}

async function runPipeline(host: InstanceHost, body: unknown): Promise<TInferResponse> {
  const request = parseOrThrow(ZInferRequest, body);
  const node = request.vdagNode;
  let packet: TAiosPacket = request.packet;
  const { pre_processing: pre, post_processing: post } = host.policies;
  if (node) packet = await vdagPreProcess(host.vdag, node, withVdagContext(packet, node));
  if (pre) packet = await applyPolicy(pre, packet, host.blockData(), host.log);
  // The component sees where the packet is, even if a policy dropped it.
  if (node) packet = withVdagContext(packet, node);

  let output: unknown;
  try {
    const def = host.def;
    output = def.batch
      ? await host.batcher?.submit(packet.data, packet)
      : await def.infer(packet.data, host.taskContext(packet));
  } catch (e) {
    if (!(e instanceof InstanceError)) host.log.error("infer threw", { error: e });
    throw asInstanceError(e, 500, "infer", "infer failed: ");
  }
  packet = { ...packet, data: toJsonObject(output) };

  if (post) packet = await applyPolicy(post, packet, host.blockData(), host.log);
  if (!node) return { packet };
  return vdagPostProcess(host.vdag, node, packet);
}

/** The output as it will travel: a JSON object (Dates become strings, undefined fields vanish). */
function toJsonObject(output: unknown): TJsonObject {
  if (!isJsonObject(output))
    throw new InstanceError(500, `infer must return a JSON object, got ${describe(output)}`);
  try {
    return JSON.parse(JSON.stringify(output)) as TJsonObject;
  } catch (e) {
    throw new InstanceError(500, `infer returned an object that is not JSON: ${(e as Error).message}`);
  }
}
