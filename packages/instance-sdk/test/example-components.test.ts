import { describe, expect, it } from "vitest";
import echo from "../../../examples/components/echo/echo";
import languageDetect from "../../../examples/components/language-detect/language-detect";
import sentiment from "../../../examples/components/text-sentiment/sentiment";
import { testComponent } from "../src/index";

// The example components (examples/components/*) through the in-memory harness.

describe("echo", () => {
  it("returns its input with echoedAt and instanceId, upper-casing message when asked", async () => {
    const t = await testComponent(echo, { instanceId: "e-1", parameters: { uppercase: true } });
    const out = await t.infer({ message: "hi", n: 1 });
    expect(out).toMatchObject({ message: "HI", n: 1, instanceId: "e-1" });
    expect(Date.parse(String(out.echoedAt))).not.toBeNaN();
  });

  it("waits parameters.delayMs and refuses a bad delay", async () => {
    const t = await testComponent(echo);
    await t.setParameters({ delayMs: 60 });
    const started = Date.now();
    await t.infer({});
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await expect(t.setParameters({ delayMs: -1 })).rejects.toMatchObject({ status: 422 });
  });

  it("turns unhealthy and back with the fail action, and counts tasks", async () => {
    const t = await testComponent(echo);
    await t.infer({});
    expect(await t.management("fail")).toEqual({ failing: true });
    expect((await t.health()).status).toBe(503);
    expect(await t.management("fail", { failing: false })).toEqual({ failing: false });
    expect(await t.health()).toEqual({ status: 200, body: { status: "healthy", served: 1 } });
    expect(await t.management("stats")).toEqual({ served: 1, failing: false });
    await expect(t.management("explode")).rejects.toMatchObject({
      status: 400,
      message: /known: fail, stats, emit/,
    });
  });
});

describe("text-sentiment", () => {
  it("labels positive and negative text with AFINN scores and words", async () => {
    const t = await testComponent(sentiment);
    expect(await t.infer({ text: "I love it" })).toEqual({
      label: "positive",
      score: 3,
      comparative: 1,
      words: { positive: ["love"], negative: [] },
    });
    expect(await t.infer({ text: "This is terrible and awful" })).toMatchObject({
      label: "negative",
      score: -6,
      words: { positive: [], negative: ["awful", "terrible"] },
    });
    expect(await t.infer({ text: "The train leaves at noon" })).toMatchObject({ label: "neutral", score: 0 });
  });

  it("uses parameters.threshold and blockInitData.extras, and refuses missing text", async () => {
    const t = await testComponent(sentiment, {
      parameters: { threshold: 2 },
      blockInitData: { extras: { meh: -2 } },
    });
    expect(await t.infer({ text: "I like it" })).toMatchObject({ label: "neutral", comparative: 2 / 3 });
    expect(await t.infer({ text: "meh" })).toMatchObject({ label: "negative", score: -2 });
    await expect(t.infer({ txt: "x" })).rejects.toMatchObject({ status: 400, issues: [{ path: "text" }] });
    await expect(t.setParameters({ threshold: "high" })).rejects.toMatchObject({ status: 422 });
  });
});

describe("language-detect", () => {
  it("detects French and English with CLD3", async () => {
    const t = await testComponent(languageDetect);
    expect(await t.infer({ text: "Bonjour, comment allez-vous aujourd'hui ?" })).toMatchObject({
      language: "fr",
      isReliable: true,
      probability: expect.any(Number),
    });
    const en = await t.infer({
      text: "The weather is lovely today, so we are going for a walk in the park.",
    });
    expect(en).toMatchObject({ language: "en", isReliable: true });
    expect(Number(en.probability)).toBeGreaterThan(0.9);
  });

  it("answers und for too short text and lists other languages of mixed text", async () => {
    const t = await testComponent(languageDetect, { initSettings: { minTextLength: 5 } });
    expect(await t.infer({ text: "ok" })).toEqual({ language: "und", probability: 0, isReliable: false });
    const mixed = await t.infer({
      text: "This is a lovely day and we are going for a walk outside. Сегодня прекрасный день, и мы идём гулять в парк.",
    });
    const alternatives = (mixed.alternatives as { language: string }[]).map((a) => a.language);
    expect(alternatives).toEqual(expect.arrayContaining(["ru", "en"]));
    await expect(t.infer({ text: 42 })).rejects.toMatchObject({ status: 400 });
  });
});
