import { describe, expect, it } from "vitest";
import { signIn } from "./sign-in";

// Refusals decided before the API is asked (the API's answers are covered end to end).
describe("signIn", () => {
  it.each([
    [undefined, 'token: paste an API token (a JSON body {"token": "aios_…"})'],
    [{ token: "   " }, "token: paste an API token"],
    [{ token: "aios_a b" }, "token: an API token has no spaces"],
    [{ token: `aios_${"x".repeat(600)}` }, "token: an API token is at most 512 characters"],
  ])("refuses %j with 400 naming the field", async (body, message) => {
    await expect(signIn(body)).resolves.toEqual({ ok: false, status: 400, message });
  });
});
