import { definePolicy } from "@aios/policy-runtime";

// Conditional routing on a language detector's answer: text in the expected language goes one
// way, any other language (or none detected) another. The fields kept by keep-fields come back
// into `data`, so the next steps see the text next to its language.
// settings: language (default "en"), matchTo (string[]), otherTo (string[]); both must be
// outgoing edges of the node, else the walk would end silently, so unknown labels are an error.
const labels = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export default definePolicy({
  kind: "vdagPostProcessing",
  init() {
    return {};
  },
  eval(input, { settings, log }) {
    const carry = (input.packet.carry ?? {}) as Record<string, unknown>;
    const data = { ...carry, ...input.packet.data };
    const expected = String(settings.language ?? "en");
    const matches = data.language === expected;
    const next = labels(matches ? settings.matchTo : settings.otherTo);
    const unknown = next.filter((label) => !input.next.includes(label));
    if (unknown.length > 0) {
      throw new Error(`route targets ${unknown.join(", ")} are not next nodes of ${input.nodeLabel}`);
    }
    log.info(`language ${String(data.language)}: to ${next.join(", ") || "(end)"}`);
    return { packet: { ...input.packet, data }, next };
  },
});
