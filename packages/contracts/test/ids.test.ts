import { describe, expect, it } from "vitest";
import {
  BLOCK_ID_RE,
  INSTANCE_ID_RE,
  isDnsLabel,
  newBlockId,
  newInstanceId,
  randomAlnum,
} from "../src/index";

describe("ids", () => {
  it("newBlockId is blk- + 8 lowercase alnum", () => {
    for (let i = 0; i < 200; i++) expect(newBlockId()).toMatch(/^blk-[a-z0-9]{8}$/);
    expect(BLOCK_ID_RE.test(newBlockId())).toBe(true);
  });

  it("newInstanceId is in- + 4 lowercase alnum", () => {
    for (let i = 0; i < 200; i++) expect(newInstanceId()).toMatch(/^in-[a-z0-9]{4}$/);
    expect(INSTANCE_ID_RE.test(newInstanceId())).toBe(true);
  });

  it("ids are random and use the whole alphabet", () => {
    const ids = new Set(Array.from({ length: 1000 }, newBlockId));
    expect(ids.size).toBe(1000);
    const chars = new Set(randomAlnum(5000));
    expect(chars.size).toBe(36);
  });

  it("generated ids are DNS labels", () => {
    expect(isDnsLabel(newBlockId())).toBe(true);
    expect(isDnsLabel(newInstanceId())).toBe(true);
  });

  it.each([
    ["my-block", true],
    ["a", true],
    ["0abc", true],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    ["My-Block", false],
    ["-abc", false],
    ["abc-", false],
    ["a_b", false],
    ["a.b", false],
    ["", false],
  ])("isDnsLabel(%j) = %s", (s, expected) => {
    expect(isDnsLabel(s)).toBe(expected);
  });
});
