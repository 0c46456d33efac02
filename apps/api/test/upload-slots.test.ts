import { describe, expect, it } from "vitest";
import { uploadSlots } from "../src/domains/assets/upload-slots";

describe("upload slots (new blobs written at once by one API process)", () => {
  it("lets `size` holders in, queues the next in order, and lets each in as a slot is released", async () => {
    const slots = uploadSlots(2);
    const first = await slots.acquire();
    const second = await slots.acquire();
    const order: string[] = [];
    const third = slots.acquire().then((release) => {
      order.push("third");
      return release;
    });
    const fourth = slots.acquire().then((release) => {
      order.push("fourth");
      return release;
    });
    await Promise.resolve();
    expect([slots.state, order]).toEqual([{ busy: 2, waiting: 2 }, []]);
    first();
    first(); // a release counts once
    const releaseThird = await third;
    expect([slots.state, order]).toEqual([{ busy: 2, waiting: 1 }, ["third"]]);
    second();
    releaseThird();
    (await fourth)();
    expect([slots.state, order]).toEqual([{ busy: 0, waiting: 0 }, ["third", "fourth"]]);
  });
});
