import type { TAiosPacket } from "@aios/contracts";
import { describe, InstanceError } from "./errors";
import type { BatchOptions } from "./types";

interface Waiting<I, O> {
  input: I;
  packet: TAiosPacket;
  resolve(output: O): void;
  reject(error: unknown): void;
}

/**
 * Collects concurrent inputs into batches: a batch runs when it has `maxSize` inputs or when its
 * first input has waited `maxWaitMs`. Several batches may run at once. `run` must return one output
 * per input, in order; an `Error` element fails only its own task.
 */
export class Batcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: BatchOptions,
    private readonly run: (inputs: I[], packets: TAiosPacket[]) => Promise<unknown>,
  ) {
    if (!Number.isInteger(opts.maxSize) || opts.maxSize < 1)
      throw new Error(`batch.maxSize must be an integer >= 1, got ${opts.maxSize}`);
    if (!(opts.maxWaitMs >= 0)) throw new Error(`batch.maxWaitMs must be >= 0, got ${opts.maxWaitMs}`);
  }

  submit(input: I, packet: TAiosPacket): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, packet, resolve, reject });
      if (this.waiting.length >= this.opts.maxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.maxWaitMs);
    });
  }

  /** Runs what is waiting now (also called on shutdown so nothing waits for a timer). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiting.length > 0) void this.execute(this.waiting.splice(0, this.opts.maxSize));
  }

  private async execute(batch: Waiting<I, O>[]): Promise<void> {
    let outputs: unknown;
    try {
      outputs = await this.run(
        batch.map((w) => w.input),
        batch.map((w) => w.packet),
      );
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    if (!Array.isArray(outputs) || outputs.length !== batch.length) {
      const got = Array.isArray(outputs) ? `${outputs.length} outputs` : describe(outputs);
      const e = new InstanceError(
        500,
        `a batched infer must return an array of ${batch.length} outputs (one per input), got ${got}`,
      );
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => {
      const out = outputs[i];
      if (out instanceof Error) w.reject(out);
      else w.resolve(out as O);
    });
  }
}
