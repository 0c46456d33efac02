import { definePolicy } from "@aios/policy-runtime";

// A stateful function: counts calls per key in its own replica's memory, so each replica of a
// deployed function keeps its own tally (that is what execution type 4 is for).
export default definePolicy({
  kind: "function",
  init({ settings }) {
    return { counts: {} as Record<string, number>, step: Number(settings.step ?? 1) };
  },
  eval(input, { state }) {
    const key = typeof input === "object" && input !== null && "key" in input ? String(input.key) : "default";
    state.counts[key] = (state.counts[key] ?? 0) + state.step;
    return { key, count: state.counts[key] ?? 0 };
  },
  management(action, _data, { state }) {
    if (action === "reset") state.counts = {};
    return { ok: true, counts: state.counts };
  },
});
