/** A vDAG controller over fake executors (a -> b), as the controller's tests start it. */
import { readFileSync } from "node:fs";
import { createLogger } from "@aios/service-kit";
import { afterEach } from "vitest";
import { createVdagController, type VdagController, type VdagControllerOptions } from "../src";
import {
  type FakeExecutor,
  type Handler,
  makeConfig,
  makePlan,
  post,
  startFakeExecutor,
} from "./fake-executor";

const log = createLogger({ test: "vdag-controller" }, { write: () => {} });
export const running: { controllers: VdagController[]; executors: FakeExecutor[] } = {
  controllers: [],
  executors: [],
};
export const URI = "test/ctl:1.0.0";
const source = (name: string) => readFileSync(new URL(`./policies/${name}.ts`, import.meta.url), "utf8");
export const policy = (name: string, settings: Record<string, unknown> = {}) => ({
  policyRuleURI: `test/${name}:1.0.0`,
  code: source(name),
  settings,
});

/** Every controller and fake executor a test started is closed after it; call at the top of a file. */
export function closeAfterEach(): void {
  afterEach(async () => {
    await Promise.all(running.controllers.splice(0).map((c) => c.close(1000)));
    await Promise.all(running.executors.splice(0).map((e) => e.stop()));
  });
}

/** a -> b, each on its own fake executor. */
export async function setup(
  extra: Parameters<typeof makeConfig>[1] = {},
  opts: Partial<VdagControllerOptions> & { handlers?: Record<string, Handler> } = {},
) {
  const a = await startFakeExecutor("blk-a", opts.handlers?.a);
  const b = await startFakeExecutor("blk-b", opts.handlers?.b);
  running.executors.push(a, b);
  const plan = makePlan(URI, {
    a: { blockId: a.blockId, endpoint: a.endpoint, next: ["b"] },
    b: { blockId: b.blockId, endpoint: b.endpoint },
  });
  const config = makeConfig(plan, extra);
  const ctl = await createVdagController({
    config,
    log,
    healthLoop: false,
    controlToken: null,
    dataToken: null,
    ...opts,
  });
  running.controllers.push(ctl);
  return { ctl, a, b, plan, config, url: ctl.url };
}

export const infer = (url: string, session_id = "s1", data: Record<string, unknown> = {}) =>
  post(`${url}/v1/infer`, { session_id, data });
