import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { namespacePids } from "../src/ip";
import { grid, REPO_ROOT } from "./grid-cli";
import {
  applyEchoAnd,
  bringUp,
  exampleDocument,
  type GridSession,
  gridOfOwn,
  POLICIES,
  tearDownGrid,
  until,
} from "./grid-test-kit";
import { ok, stream } from "./vdag-stream";

/**
 * The host running a vDAG's controller is killed while requests flow: a grid of two clusters of two
 * nodes (name `aiosc`, subnet 10.219.0.0/16), the vDAG's step on c1 and its controller on c2, so
 * c2's other node can take the controller over. Figures are printed, not asserted.
 */
const own = gridOfOwn("aios-grid-controller-", "aiosc", "10.219.0.0/16");
const { env } = own;
const VDAG = "controlled-from-c2:1.0.0-stable";
const SPEC = resolve(REPO_ROOT, "apps/grid/specs/controller-host.json");
const LIMITED = "limited-session";

let g: GridSession;
const figure = (line: string) => process.stdout.write(`grid controller host: ${line}\n`);
const ms = (x: number) => `${x.toFixed(0)} ms`;

const controllerOf = async () => {
  const [c] = await g.api.vdags.controllers.query({ vdagURI: VDAG });
  if (!c) throw new Error(`vDAG ${VDAG} has no controller`);
  return c;
};
/** The grid host whose address the controller's url names. */
const hostOf = (url: string | null) =>
  url ? (g.status.hosts.find((h) => new URL(url).hostname === h.address) ?? null) : null;
const infer = async (sessionId: string) => {
  const res = await fetch(`${g.status.apiUrl}/v1/vdags/${encodeURIComponent(VDAG)}/infer`, {
    method: "POST",
    headers: { authorization: `Bearer ${g.token}`, "content-type": "application/json" },
    body: JSON.stringify({ session_id: sessionId, data: { message: sessionId } }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: (await res.json()) as { error?: { message?: string; stage?: string } } };
};
const requestsTotal = async () =>
  (await g.api.vdags.metricSeries.query({ vdagURI: VDAG, name: "requests_total" })).filter(
    (s) => s.entity === VDAG,
  );

describe("faults on the grid: the host of a vDAG's controller killed", () => {
  beforeAll(async () => {
    g = await bringUp(env, ["--clusters", "2", "--nodes", "2", "--no-console"]);
    await g.api.parser.applySpec.mutate({ document: exampleDocument(POLICIES, "per-session-quota") });
    await applyEchoAnd(g.api, [SPEC]);
    await until("echo-c1 to run", 180_000, async () =>
      (await g.api.blocks.get.query({ id: "echo-c1" })).status === "running" ? true : null,
    );
    await until(`vDAG ${VDAG} to be active with its controller on a host of c2`, 120_000, async () => {
      const v = await g.api.vdags.get.query({ vdagURI: VDAG });
      const c = await controllerOf();
      return v.status === "active" && hostOf(c.url)?.clusterId === "c2" ? true : null;
    });
  }, 480_000);

  afterAll(async () => {
    await tearDownGrid(own, g);
  }, 120_000);

  it("kill the host running a vDAG's controller while requests flow: the controller is placed again on c2's other " +
    "host and serves with no manual step; its quota counts are not reset and its metrics history is kept", async () => {
    // A session limited to 3, used up; its count and the vDAG's figures are stored by the agent.
    await g.api.vdags.mgmt.mutate({
      vdagURI: VDAG,
      service: "quota",
      action: "setLimit",
      data: { sessionId: LIMITED, limit: 3 },
    });
    for (let i = 0; i < 3; i++) expect((await infer(LIMITED)).status).toBe(200);
    expect((await infer(LIMITED)).status).toBe(429);
    // The agent drains the quota before it pushes the figures, in the same round: once the figures
    // count these requests, the count is stored too.
    await until("the controller's figures to count the requests", 60_000, async () =>
      (await requestsTotal()).some((s) => s.value >= 4) ? true : null,
    );
    const before = await controllerOf();
    const host = hostOf(before.url);
    if (!host?.nodeId) throw new Error(`the controller's url ${before.url} is on no node host of the grid`);
    const other = g.status.hosts.find((h) => h.clusterId === "c2" && h.name !== host.name);
    if (!other) throw new Error("c2 has no second host");

    const flow = stream(g.status.apiUrl, g.token, VDAG, 150);
    await new Promise((r) => setTimeout(r, 2_000));
    const killedAt = flow.now();
    const killedAtTs = Date.now();
    await grid(["kill", host.name], env);
    expect(namespacePids(host.namespace)).toEqual([]);

    const moved = await until(`the controller to run on ${other.name}`, 180_000, async () => {
      const c = await controllerOf();
      return c.status === "running" && hostOf(c.url)?.name === other.name ? c : null;
    });
    const movedAt = flow.now();
    await until(`a request of ${VDAG} to succeed through the new controller`, 60_000, async () =>
      flow.sent.some((s) => s.at > movedAt && ok(s)) ? true : null,
    );
    // Requests sent just after the kill may still have been answered by the old process: the gap
    // starts at the first failure.
    const gapAt = Math.min(...flow.sent.filter((s) => s.at > killedAt && !ok(s)).map((s) => s.at));
    const servingAt = Math.min(...flow.sent.filter((s) => s.at > gapAt && ok(s)).map((s) => s.at));
    await new Promise((r) => setTimeout(r, 3_000));
    const sent = await flow.stop();

    // The same controller, placed again: its quota came with it (the session's 4th is refused
    // again, by the count stored before the kill and the limit the policy's state kept).
    expect(moved.id).toBe(before.id);
    const refused = await infer(LIMITED);
    expect([refused.status, refused.body.error?.stage]).toEqual([429, "quota"]);
    expect(refused.body.error?.message).toMatch(new RegExp(`^session ${LIMITED} used its 3 requests`));
    expect(await g.api.vdags.quota.query({ vdagURI: VDAG, sessionId: LIMITED })).toMatchObject({ count: 3 });
    // Its history from before the kill is still there, and the new process adds to it.
    await until("figures of the new controller", 60_000, async () =>
      (await requestsTotal()).some((s) => Date.parse(s.ts) > killedAtTs) ? true : null,
    );
    const series = await requestsTotal();
    const old = series.filter((s) => Date.parse(s.ts) < killedAtTs);
    expect(old.some((s) => s.value >= 4)).toBe(true);
    // Before the kill every request succeeded; once the new controller served, every one did.
    expect(sent.filter((s) => s.at < killedAt && !ok(s)).map((s) => s.answer.error?.message)).toEqual([]);
    expect(sent.filter((s) => s.at > servingAt && !ok(s)).map((s) => s.answer.error?.message)).toEqual([]);
    const failed = sent.filter((s) => s.at >= gapAt && s.at < servingAt);

    figure(
      `killed ${host.name} (the controller's host) ${ms(killedAt)} into a stream of one request every 150 ms; ` +
        `controller ${moved.id} running on ${other.name} ${ms(movedAt - killedAt)} after the kill, ` +
        `first success ${ms(servingAt - killedAt)} after it`,
    );
    figure(
      `${sent.length} requests: ${sent.filter(ok).length} succeeded, ${failed.length} failed while no controller ran ` +
        `(statuses ${[...new Set(failed.map((s) => s.status))].join(", ") || "-"}; e.g. "${failed[0]?.answer.error?.message ?? "-"}")`,
    );
    figure(
      `quota: session ${LIMITED} still at 3 of 3 after the move (429 "${refused.body.error?.message}"); ` +
        `requests_total history: ${old.length} samples before the kill (last ${old.at(-1)?.value}), ` +
        `${series.length - old.length} after`,
    );
  }, 600_000);
});
