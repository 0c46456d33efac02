import type { TAiosPacket, THealthReport, TJsonObject } from "@aios/contracts";
import type { Logger } from "@aios/service-kit";
import type { ComponentMetrics } from "./metrics";

type Awaitable<T> = T | Promise<T>;

/** What every hook gets. Values are a snapshot taken when the hook is called. */
export interface InstanceContext<S = unknown> {
  blockId: string;
  instanceId: string;
  componentURI: string;
  blockInitData: TJsonObject;
  initSettings: TJsonObject;
  /** The block's current parameters (replaced by `/setParameters`). */
  parameters: TJsonObject;
  /** What `init` returned (`undefined` inside `init` itself); mutate it to keep instance state. */
  state: S;
  /** Structured JSON lines on stdout, tagged with blockId and instanceId. */
  log: Logger;
  /** Register prom-client metrics served on `/metrics` (labelled block and instance). */
  metrics: ComponentMetrics;
  /**
   * Emits a block event (`name`: a letter, then letters, digits, `_ . -`, at most 64; `data`: JSON
   * of at most 16 KiB), throwing an EventError when either is wrong. Its agent forwards it to the
   * platform within about a second; it is stored with the block's events and handed to the
   * block's event policy for `name` (`blockInitData.events`).
   */
  emitEvent(name: string, data?: unknown): void;
}

/** `infer`'s context: the whole packet (after block pre-processing), for session_id, files, ... */
export interface TaskContext<S = unknown> extends InstanceContext<S> {
  packet: TAiosPacket;
}

/** A batched `infer`'s context: `packets[i]` carried `inputs[i]`; `packet` is `packets[0]`. */
export interface BatchContext<S = unknown> extends TaskContext<S> {
  packets: TAiosPacket[];
}

export interface BatchOptions {
  /** At most this many inputs per `infer` call. */
  maxSize: number;
  /** How long the first waiting input waits for others before the batch runs anyway. */
  maxWaitMs: number;
}

export type HealthReport = THealthReport;

interface ComponentHooks<S> {
  /** Once, before the instance reports healthy: load models, open clients. Returns the state. */
  init?(ctx: InstanceContext<undefined>): Awaitable<S>;
  /** `GET /health`; default: healthy once init finished. */
  health?(ctx: InstanceContext<S>): Awaitable<HealthReport>;
  /** `POST /mgmt {action, data}`; the result is returned as `{ok: true, result}`. */
  management?(action: string, data: unknown, ctx: InstanceContext<S>): Awaitable<unknown>;
  /**
   * `POST /setParameters`, before the parameters are replaced: throw to refuse them (422), return
   * an object to store that instead (e.g. with defaults filled in), or nothing to store them as given.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only validates returns nothing
  onUpdate?(parameters: TJsonObject, ctx: InstanceContext<S>): Awaitable<TJsonObject | void>;
}

/** One input per call: `infer(packet.data) -> output data`. */
export interface SingleComponent<S = unknown, I = TJsonObject, O = TJsonObject> extends ComponentHooks<S> {
  batch?: undefined;
  infer(input: I, ctx: TaskContext<S>): Awaitable<O>;
}

/**
 * Batched: concurrent tasks arriving within `maxWaitMs` (up to `maxSize`) reach one `infer` call as
 * an array; it must return an array of the same length, in the same order. An `Error` in the result
 * array fails only that task (500 at stage infer, or the InstanceError's own status).
 */
export interface BatchComponent<S = unknown, I = TJsonObject, O = TJsonObject> extends ComponentHooks<S> {
  batch: BatchOptions;
  infer(inputs: I[], ctx: BatchContext<S>): Awaitable<Array<O | Error>>;
}

export type ComponentDefinition<S = unknown, I = TJsonObject, O = TJsonObject> =
  | SingleComponent<S, I, O>
  | BatchComponent<S, I, O>;

// biome-ignore lint/suspicious/noExplicitAny: the host handles any component, whatever its types
export type AnyComponent = ComponentDefinition<any, any, any>;

/** Identity: gives a component its types (state inferred from `init`). */
export function defineComponent<S = undefined, I = TJsonObject, O = TJsonObject>(
  def: BatchComponent<S, I, O>,
): BatchComponent<S, I, O>;
export function defineComponent<S = undefined, I = TJsonObject, O = TJsonObject>(
  def: SingleComponent<S, I, O>,
): SingleComponent<S, I, O>;
export function defineComponent(def: AnyComponent): AnyComponent {
  return def;
}
