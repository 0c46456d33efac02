import { describe, expect, it } from "vitest";
import { createTokenCache, type StoredToken } from "../src/domains/tokens/token-cache";

const token = (id: string, role = "data"): StoredToken => ({
  id,
  role,
  scope: null,
  scopes: [],
  revokedAt: null,
});

/** A change feed the test drives: listening or not, and its connection count. */
function feed() {
  const f = { up: true, session: 0 };
  return { f, feed: { listening: () => f.up, session: () => f.session } };
}

describe("token cache", () => {
  it("keeps a token read while the feed listens, and forgets it when its change is heard", async () => {
    const { feed: ch } = feed();
    const cache = createTokenCache(ch);
    let reads = 0;
    const read = async () => {
      reads++;
      return token("t1");
    };
    expect(cache.get("h1")).toBeUndefined();
    expect(await cache.read("h1", read)).toEqual(token("t1"));
    expect(cache.get("h1")).toEqual(token("t1"));
    expect(reads).toBe(1);
    cache.forget("t2");
    expect(cache.get("h1")).toEqual(token("t1"));
    cache.forget("t1");
    expect(cache.get("h1")).toBeUndefined();
  });

  it("never keeps a token it did not find, so a new one works at once", async () => {
    const cache = createTokenCache(feed().feed);
    expect(await cache.read("h-new", async () => undefined)).toBeUndefined();
    expect(cache.size()).toBe(0);
  });

  it("does not keep a read that was under way when a change was heard", async () => {
    const cache = createTokenCache(feed().feed);
    let finish: (t: StoredToken) => void = () => {};
    const reading = cache.read("h1", () => new Promise<StoredToken>((r) => (finish = r)));
    // Another token's change counts too: the read may have been made before any change it missed.
    cache.forget("someone-else");
    finish(token("t1"));
    expect(await reading).toEqual(token("t1"));
    expect(cache.get("h1")).toBeUndefined();
  });

  it("uses and keeps nothing while the feed does not listen, nor what was kept under an earlier connection", async () => {
    const { f, feed: ch } = feed();
    const cache = createTokenCache(ch);
    await cache.read("h1", async () => token("t1"));
    f.up = false;
    expect(cache.get("h1")).toBeUndefined();
    await cache.read("h2", async () => token("t2"));
    expect(cache.size()).toBe(0);
    f.up = true;
    await cache.read("h3", async () => token("t3"));
    f.session = 1; // the connection was lost and made again: changes may have been missed
    expect(cache.get("h3")).toBeUndefined();
  });

  it("reads a token again after maxAgeMs, keeps at most maxEntries, and forgets all on `*`", async () => {
    const cache = createTokenCache(feed().feed, { maxAgeMs: 1_000, maxEntries: 2 });
    await cache.read("h1", async () => token("t1"));
    expect(cache.get("h1", Date.now() + 999)).toEqual(token("t1"));
    expect(cache.get("h1", Date.now() + 1_001)).toBeUndefined();
    await cache.read("h1", async () => token("t1"));
    await cache.read("h2", async () => token("t2"));
    await cache.read("h3", async () => token("t3"));
    expect(cache.size()).toBe(2);
    expect(cache.get("h1")).toBeUndefined();
    cache.forget("*");
    expect(cache.size()).toBe(0);
  });
});
