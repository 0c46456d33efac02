import { definePolicy } from "@aios/policy-runtime";

// General compute for jobs and graphs: statistics of a text, or of the texts of several producers.
export default definePolicy({
  kind: "function",
  eval(input, { log }) {
    const texts = collect(input);
    const words = texts.join(" ").split(/\s+/).filter(Boolean);
    const longest = words.reduce((a, w) => (w.length > a.length ? w : a), "");
    log.info(`${words.length} words in ${texts.length} texts`);
    return { texts: texts.length, words: words.length, longest };
  },
});

function collect(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(collect);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(collect);
  return [];
}
