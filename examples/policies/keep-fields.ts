import { definePolicy } from "@aios/policy-runtime";

// A component replaces `data` with its own output, so a field of the request (say the text) is gone
// after the first step. This keeps chosen fields on the packet, in `carry`, for later steps
// (route-by-language merges them back). settings: fields (string[], default ["text"]).
export default definePolicy({
  kind: "vdagPreProcessing",
  init({ settings }) {
    const fields = Array.isArray(settings.fields) ? settings.fields.map(String) : ["text"];
    return { fields };
  },
  eval(input, { state }) {
    const carried = (input.packet.carry ?? {}) as Record<string, unknown>;
    const carry: Record<string, unknown> = { ...carried };
    for (const field of state.fields) {
      if (input.packet.data[field] !== undefined) carry[field] = input.packet.data[field];
    }
    return { packet: { ...input.packet, carry } };
  },
});
