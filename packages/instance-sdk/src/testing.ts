import {
  type TAiosPacket,
  type TInstanceInitData,
  type TJsonObject,
  ZInstanceInitData,
  type ZVdagNodeRuntime,
} from "@aios/contracts";
import { createLogger } from "@aios/service-kit";
import type { z } from "zod";
import { InstanceError, type Reply } from "./errors";
import { InstanceHost } from "./host";
import type { AnyComponent, InstanceContext } from "./types";

/** The init data a harness starts with; everything optional (ids default to `test-*`). */
export type TestInitData = Partial<z.input<typeof ZInstanceInitData>>;

export interface ComponentHarness {
  host: InstanceHost;
  /** The context hooks would get now (current parameters and state). */
  readonly ctx: InstanceContext;
  /** JSON lines the instance logged. */
  logs: string[];
  /** One task through pre-processing, infer and post-processing; throws the InstanceError. */
  infer(data: TJsonObject, packet?: Partial<TAiosPacket>): Promise<TJsonObject>;
  /**
   * One vDAG task (`{packet, vdagNode}`): the node's vDAG policies around the block's; answers the
   * output packet and the labels it goes to next. Throws the InstanceError.
   */
  inferVdag(
    data: TJsonObject,
    vdagNode: z.input<typeof ZVdagNodeRuntime>,
    packet?: Partial<TAiosPacket>,
  ): Promise<{ packet: TAiosPacket; next: string[] }>;
  /** The raw protocol: `POST /infer` with this body. */
  send(body: unknown): Promise<Reply>;
  health(): Promise<Reply>;
  /** Throws the InstanceError when the reply is not 200. */
  management(action: string, data?: unknown): Promise<unknown>;
  setParameters(parameters: TJsonObject): Promise<TJsonObject>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/**
 * An in-memory instance (the original's BlockTester): same host, policies and batching as a real
 * process, without HTTP. Rejects when init fails, with init's error message.
 */
export async function testComponent(
  def: AnyComponent,
  initData: TestInitData = {},
): Promise<ComponentHarness> {
  const init: TInstanceInitData = ZInstanceInitData.parse({
    blockId: "test-block",
    instanceId: "test-instance",
    componentURI: "model.test:0.0.1-test",
    ...initData,
  });
  const logs: string[] = [];
  const log = createLogger(
    { blockId: init.blockId, instanceId: init.instanceId },
    { write: (l) => logs.push(l) },
  );
  const host = new InstanceHost(def, init, { log });
  await host.start();
  if (host.phase === "failed") throw new Error(host.failure);

  let seq = 0;
  const unwrap = (reply: Reply) => {
    if (reply.status === 200) return reply.body as TJsonObject;
    const { error } = reply.body as { error: { message: string; stage: "request"; issues?: [] } };
    throw new InstanceError(reply.status, error.message, {
      stage: error.stage,
      ...(error.issues ? { issues: error.issues } : {}),
    });
  };
  const send = (body: unknown) => host.infer(JSON.parse(JSON.stringify(body)));
  const packetOf = (data: TJsonObject, packet: Partial<TAiosPacket>) => ({
    session_id: "test-session",
    seq_no: seq++,
    ts: Date.now(),
    ...packet,
    data,
  });
  return {
    host,
    get ctx() {
      return host.context();
    },
    logs,
    send,
    async infer(data, packet = {}) {
      return (unwrap(await send({ packet: packetOf(data, packet) })).packet as TAiosPacket).data;
    },
    async inferVdag(data, vdagNode, packet = {}) {
      const body = unwrap(await send({ packet: packetOf(data, packet), vdagNode }));
      return { packet: body.packet as TAiosPacket, next: body.next as string[] };
    },
    health: () => host.health(),
    management: async (action, data) => unwrap(await host.mgmt({ action, data })).result,
    setParameters: async (parameters) =>
      unwrap(await host.setParameters({ parameters })).parameters as TJsonObject,
    async metrics() {
      return (await host.metricsText()).text;
    },
    async close() {
      await host.stop(1000);
    },
  };
}
