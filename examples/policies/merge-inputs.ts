import { definePolicy } from "@aios/policy-runtime";

// A fan-in node gets `{inputs: [...]}`, one entry per producer that answered, in the order of its
// inputs. This merges them into one object (later producers win on equal keys), so a component
// that expects flat fields can aggregate them. settings: keep (string[]: only these keys; default all).
export default definePolicy({
  kind: "vdagPreProcessing",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const inputs = Array.isArray(input.packet.data.inputs) ? input.packet.data.inputs : [input.packet.data];
    const merged: Record<string, unknown> = {};
    for (const part of inputs) {
      if (part && typeof part === "object" && !Array.isArray(part)) Object.assign(merged, part);
    }
    const keep = Array.isArray(settings.keep) ? settings.keep.map(String) : null;
    const data = keep ? Object.fromEntries(Object.entries(merged).filter(([k]) => keep.includes(k))) : merged;
    return { packet: { ...input.packet, data } };
  },
});
