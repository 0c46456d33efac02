import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { defineComponent, InstanceError } from "@aios/instance-sdk";

/** Where the side-car listens: its port as the platform told it, on the instance's own host. */
function stampUrl(): string {
  const port = process.env.AIOS_SIDECAR_PORT_STAMP;
  if (!port) throw new InstanceError(500, "no AIOS_SIDECAR_PORT_STAMP: the stamp side-car is not declared");
  const host = process.env.HOST && process.env.HOST !== "0.0.0.0" ? process.env.HOST : "127.0.0.1";
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
}

/**
 * Greeter: answers `{greeting, name, stamp}`. The greeting is the file its init container
 * (prepare.ts) wrote into the folder they share (`AIOS_WORK_DIR`); the stamp comes from its side-car
 * (stamp-server.ts), called on the port it was told. Shows how an instance uses both.
 */
export default defineComponent({
  async init() {
    const dir = process.env.AIOS_WORK_DIR;
    if (!dir) throw new Error("no AIOS_WORK_DIR: this component runs with its init container");
    return { greeting: (await readFile(join(dir, "greeting.txt"), "utf8")).trim() };
  },

  async infer(input, { state }) {
    const res = await fetch(stampUrl());
    if (!res.ok) throw new InstanceError(502, `the stamp side-car answered ${res.status}`);
    const stamp = (await res.json()) as { stamp: number; pid: number };
    return {
      greeting: state.greeting,
      name: typeof input.name === "string" ? input.name : "world",
      ...stamp,
    };
  },
});
