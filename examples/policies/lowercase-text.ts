import { definePolicy } from "@aios/policy-runtime";

// Text models trained on lower-cased data score "GREAT" and "great" differently; normalising before
// inference makes their answers independent of the client's casing.
// settings: field (default "text"), trim (default true).
export default definePolicy({
  kind: "blockPreProcessing",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const field = String(settings.field ?? "text");
    const value = input.packet.data[field];
    // Leave packets without text untouched: the component reports the missing field better.
    if (typeof value !== "string") return { packet: input.packet };
    let text = value.toLowerCase();
    if (settings.trim !== false) text = text.trim();
    return { packet: { ...input.packet, data: { ...input.packet.data, [field]: text } } };
  },
});
