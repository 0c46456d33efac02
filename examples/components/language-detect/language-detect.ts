import { badInput, defineComponent } from "@aios/instance-sdk";
import { loadModule } from "cld3-asm";

const DEFAULT_MIN_TEXT_LENGTH = 3;
const DEFAULT_MAX_BYTES = 1000;
const DEFAULT_MAX_ALTERNATIVES = 3;

/**
 * Language identification with Google's CLD3 (neural network over character n-grams), compiled to
 * WebAssembly by `cld3-asm`; the model loads once in init. Answers a BCP-47-style code (`en`, `fr`,
 * `zh-Latn`, or `und`), its probability and CLD3's reliability flag; `alternatives` lists the other
 * languages found in mixed-language text (at most parameters.maxAlternatives).
 * initSettings: minTextLength (shorter texts answer `und`), maxBytes (how much text CLD3 reads).
 */
export default defineComponent({
  async init({ initSettings, metrics }) {
    const factory = await loadModule();
    const maxBytes = Number(initSettings.maxBytes ?? DEFAULT_MAX_BYTES);
    return {
      identifier: factory.create(0, maxBytes),
      minTextLength: Number(initSettings.minTextLength ?? DEFAULT_MIN_TEXT_LENGTH),
      detected: metrics.counter("language_detect_total", "Texts identified, by language", ["language"]),
    };
  },

  infer(input, { parameters, state }) {
    const text = input.text;
    if (typeof text !== "string") throw badInput("text", "must be a string");
    if (text.trim().length < state.minTextLength) {
      state.detected.inc({ language: "und" });
      return { language: "und", probability: 0, isReliable: false };
    }
    const best = state.identifier.findLanguage(text);
    state.detected.inc({ language: best.language });
    const maxAlternatives = Number(parameters.maxAlternatives ?? DEFAULT_MAX_ALTERNATIVES);
    const alternatives = state.identifier
      .findMostFrequentLanguages(text, maxAlternatives + 1)
      .filter((r) => r.language !== best.language && r.language !== "und")
      .slice(0, maxAlternatives)
      .map((r) => ({ language: r.language, probability: r.probability, proportion: r.proportion }));
    return {
      language: best.language,
      probability: best.probability,
      isReliable: best.is_reliable,
      ...(alternatives.length > 0 ? { alternatives } : {}),
    };
  },
});
