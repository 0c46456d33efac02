import { defineComponent, InstanceError, unknownAction } from "@aios/instance-sdk";

const MAX_DELAY_MS = 60_000;

/**
 * Echo: answers its input with when and where it was served. For wiring tests and benches.
 * parameters: `delayMs` (artificial latency, for autoscaler tests), `uppercase` (upper-cases
 * `message`). Management: `fail` toggles (or sets, with `{failing: bool}`) an unhealthy state for
 * health-checker tests; `stats` counts tasks; `emit` (`{name, data?}`) emits a block event.
 */
export default defineComponent({
  init(ctx) {
    checkParameters(ctx.parameters);
    return {
      served: 0,
      failing: false,
      counter: ctx.metrics.counter("echo_tasks_total", "Tasks this echo instance answered"),
    };
  },

  async infer(input, { parameters, state, instanceId }) {
    const delayMs = Number(parameters.delayMs ?? 0);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    state.served++;
    state.counter.inc();
    const message =
      parameters.uppercase === true && typeof input.message === "string"
        ? input.message.toUpperCase()
        : input.message;
    return {
      ...input,
      ...(message !== undefined ? { message } : {}),
      echoedAt: new Date().toISOString(),
      instanceId,
    };
  },

  health({ state }) {
    return state.failing
      ? { status: "unhealthy", reason: "told to fail (management action fail)" }
      : { status: "healthy", served: state.served };
  },

  management(action, data, { state, emitEvent }) {
    switch (action) {
      case "fail": {
        const wanted = (data as { failing?: unknown } | undefined)?.failing;
        state.failing = typeof wanted === "boolean" ? wanted : !state.failing;
        return { failing: state.failing };
      }
      case "stats":
        return { served: state.served, failing: state.failing };
      case "emit": {
        const { name, data: eventData } = (data ?? {}) as { name?: unknown; data?: unknown };
        try {
          emitEvent(String(name), eventData ?? {});
        } catch (e) {
          throw new InstanceError(422, (e as Error).message);
        }
        return { emitted: name };
      }
      default:
        throw unknownAction(action, ["fail", "stats", "emit"]);
    }
  },

  onUpdate(parameters) {
    checkParameters(parameters);
  },
});

function checkParameters(parameters: Record<string, unknown>): void {
  const delay = parameters.delayMs;
  if (delay !== undefined && !(typeof delay === "number" && delay >= 0 && delay <= MAX_DELAY_MS))
    throw new InstanceError(422, `parameters.delayMs must be a number from 0 to ${MAX_DELAY_MS}`, {
      stage: "request",
      issues: [{ path: "parameters.delayMs", message: `must be a number from 0 to ${MAX_DELAY_MS}` }],
    });
}
