import { badInput, defineComponent, InstanceError } from "@aios/instance-sdk";
import Sentiment from "sentiment";

export type SentimentLabel = "positive" | "negative" | "neutral";

const DEFAULT_THRESHOLD = 0.1;
const DEFAULT_MAX_TEXT_LENGTH = 10_000;

/**
 * Text sentiment with the AFINN-165 lexicon (`sentiment` package): English words scored -5..+5.
 * `score` is the sum over the text, `comparative` the score per token; the label is positive when
 * comparative >= parameters.threshold, negative when <= -threshold, neutral between.
 * initSettings.maxTextLength caps the input; blockInitData.extras adds or overrides words
 * (`{"meh": -1}`).
 */
export default defineComponent({
  init(ctx) {
    checkThreshold(ctx.parameters);
    return {
      analyzer: new Sentiment(),
      extras: numberRecord(ctx.blockInitData.extras),
      maxTextLength: Number(ctx.initSettings.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH),
      labels: ctx.metrics.counter("sentiment_labels_total", "Texts classified, by label", ["label"]),
    };
  },

  infer(input, { parameters, state }) {
    const text = input.text;
    if (typeof text !== "string" || text.trim() === "") throw badInput("text", "must be a non-empty string");
    if (text.length > state.maxTextLength)
      throw badInput("text", `must have at most ${state.maxTextLength} characters, got ${text.length}`);

    const result = state.analyzer.analyze(text, { extras: state.extras });
    const threshold = Number(parameters.threshold ?? DEFAULT_THRESHOLD);
    const label: SentimentLabel =
      result.comparative >= threshold && result.score > 0
        ? "positive"
        : result.comparative <= -threshold && result.score < 0
          ? "negative"
          : "neutral";
    state.labels.inc({ label });
    return {
      label,
      score: result.score,
      comparative: result.comparative,
      words: { positive: result.positive, negative: result.negative },
    };
  },

  onUpdate(parameters) {
    checkThreshold(parameters);
  },
});

function checkThreshold(parameters: Record<string, unknown>): void {
  const t = parameters.threshold;
  if (t !== undefined && !(typeof t === "number" && t >= 0))
    throw new InstanceError(422, "parameters.threshold must be a number >= 0", {
      stage: "request",
      issues: [{ path: "parameters.threshold", message: "must be a number >= 0" }],
    });
}

/** `{word: score}` pairs with numeric scores only. */
function numberRecord(value: unknown): Record<string, number> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, number] => typeof e[1] === "number"),
  );
}
