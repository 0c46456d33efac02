import { loadavg } from "node:os";
import { type Figures, round, type Scenario, type ScenarioContext, type ScenarioResult } from "../measure";
import { CHAIN_VDAG, MODEL, startAiosChain, startAiosModel } from "./peers-aios";
import { startKserve } from "./peers-kserve";
import { echoed, idleCpu, inTurns, type LoadPlan, MESSAGE, type Side, type SideFigures } from "./peers-load";
import { startRayServe } from "./peers-ray";
import { type Comparison, compare, line, type PeerReport, resultOf, TITLES } from "./peers-report";
import { type PeerName, pinsOf, type ServingPeer, servingPeer } from "./peers-serving";

/**
 * AIOS beside Ray Serve and KServe in the same run, on the same machine, serving the same echo
 * model (testpeers/serving/README.md, docs/peers.md): one request to a model at 1 and at 32 in
 * flight (an AIOS block through the API vs a Ray Serve deployment through its HTTP proxy; the
 * block's Open Inference Protocol endpoint vs KServe's), and a 3-step chain (an AIOS vDAG vs a Ray
 * Serve deployment graph). AIOS meets its target when it is ahead of every peer on p50 latency (per
 * hop, for the chain) and on throughput. A peer that cannot be installed or started is reported
 * with its reason (the scenario's `reason`, so not met and exit code 1) and AIOS is still measured.
 */

const STEPS = 3;

const loadNow = () => loadavg().map((l) => round(l));

const log = (line: string) => process.stderr.write(`  ${line}\n`);

/** The peers' venvs, built on first use; a peer that cannot be had is a reason instead. */
async function peersOf(
  names: PeerName[],
  setup: PeersOptions["setup"] = (name) => servingPeer(name, log),
): Promise<Map<PeerName, ServingPeer | string>> {
  const out = new Map<PeerName, ServingPeer | string>();
  for (const name of names) {
    out.set(
      name,
      await setup(name).catch(
        (e: unknown) =>
          `${TITLES[name]} (${pinsOf(name)}) could not be installed: ${e instanceof Error ? e.message : String(e)}`,
      ),
    );
  }
  return out;
}

/** A peer started, or the reason it could not be; `stop` is always safe to call. */
interface Running {
  /** Replaced by a reason when the peer's side fails before its figures. */
  report: PeerReport;
  url?: string;
  stop(): Promise<string[]>;
}

async function startPeer(
  name: PeerName,
  peer: ServingPeer | string | undefined,
  start: (p: ServingPeer) => Promise<{ url: string; startSeconds: number; stop(): Promise<string[]> }>,
): Promise<Running> {
  const none = async () => [];
  if (peer === undefined || typeof peer === "string")
    return { report: { name, ran: false, reason: peer ?? `${TITLES[name]} was not asked for` }, stop: none };
  try {
    const s = await start(peer);
    const report: PeerReport = {
      name,
      ran: true,
      versions: peer.versions,
      buildSeconds: peer.buildSeconds,
      startSeconds: s.startSeconds,
    };
    return { report, url: s.url, stop: () => s.stop() };
  } catch (e) {
    const reason = `${TITLES[name]} (${pinsOf(name)}) could not be started: ${(e as Error).message}`;
    return { report: { name, ran: false, reason }, stop: none };
  }
}

/**
 * Measures `sides` in turns; a peer's side that failed before its figures (`inTurns`) is left out,
 * its report turned into the reason.
 */
async function measure(sides: Side[], plan: LoadPlan, running: Running[]): Promise<Map<string, SideFigures>> {
  const results = await inTurns(sides, plan);
  const figures = new Map<string, SideFigures>();
  for (const [i, side] of sides.entries()) {
    const r = results[i] as SideFigures | { error: string };
    if (!("error" in r)) {
      figures.set(side.name, r);
      continue;
    }
    const peer = running.find((x) => x.report.name === side.system);
    if (peer?.report.ran) {
      const { name } = peer.report;
      peer.report = { name, ran: false, reason: `${TITLES[name]} (${pinsOf(name)}) failed: ${r.error}` };
    }
  }
  return figures;
}

const json = { "content-type": "application/json" };
const bearer = (token: string) => ({ ...json, authorization: `Bearer ${token}` });
let seq = 0;
const packetBody = () =>
  JSON.stringify({
    packet: { session_id: "bench", seq_no: seq++, ts: Date.now(), data: { message: MESSAGE } },
  });
const oipBody = () =>
  JSON.stringify({
    id: "bench",
    inputs: [{ name: "message", shape: [1], datatype: "BYTES", data: [MESSAGE] }],
  });
const chainBody = () => JSON.stringify({ session_id: "bench", data: { message: MESSAGE } });

export interface PeersOptions {
  n?: number;
  warmup?: number;
  /** The peers to set up (both by default); the others are reported as not asked for. */
  peers?: PeerName[];
  /** Where a peer's venv comes from (`servingPeer`: built on first use); tests give others. */
  setup?: (name: PeerName) => Promise<ServingPeer>;
}

/** `peers.model-c<concurrency>`: the echo model on each system, `concurrency` requests in flight. */
export function modelScenario(concurrency: number, opts: PeersOptions = {}): Scenario {
  const plan: LoadPlan = {
    concurrency,
    n: opts.n ?? (concurrency === 1 ? 2_000 : 4_000),
    warmup: opts.warmup ?? (concurrency === 1 ? 2_000 : 4_000),
    turns: 4,
  };
  const wanted = opts.peers ?? ["ray", "kserve"];
  return {
    name: `peers.model-c${concurrency}`,
    description: `the echo model at concurrency ${concurrency}: an AIOS block (/v1 and the OIP) vs a Ray Serve deployment and KServe's OIP endpoint`,
    async run(ctx): Promise<ScenarioResult> {
      const loadBefore = loadNow();
      const peers = await peersOf(wanted, opts.setup);
      const aios = await startAiosModel();
      const running: Running[] = [];
      try {
        running.push(await startPeer("ray", peers.get("ray"), (p) => startRayServe(p, "echo")));
        running.push(await startPeer("kserve", peers.get("kserve"), (p) => startKserve(p, MODEL)));
        const [ray, kserve] = running as [Running, Running];
        const sides: Side[] = [
          {
            name: "aios /v1 block",
            system: "aios",
            url: `${aios.apiUrl}/v1/blocks/${MODEL}/infer`,
            headers: bearer(aios.dataKey),
            body: packetBody,
            check: echoed,
          },
          {
            name: "aios oip",
            system: "aios",
            url: `${aios.apiUrl}/v2/models/${MODEL}/infer`,
            headers: bearer(aios.dataKey),
            body: oipBody,
            check: echoed,
          },
        ];
        if (ray.url)
          sides.push({
            name: "ray serve",
            system: "ray",
            url: ray.url,
            headers: json,
            body: packetBody,
            check: echoed,
          });
        if (kserve.url)
          sides.push({
            name: "kserve oip",
            system: "kserve",
            url: kserve.url,
            headers: json,
            body: oipBody,
            check: echoed,
          });
        const idle = await idleCpu(aios.postgres);
        process.stderr.write(`  idle CPU, ms per s: ${JSON.stringify(idle)}\n`);
        const figures = Object.fromEntries(await measure(sides, { ...plan, watch: aios.postgres }, running));
        for (const [name, f] of Object.entries(figures)) process.stderr.write(line(name, f));
        const pair = (name: string): [string, Figures] => [name, figures[name] as Figures];
        const comparisons: Comparison[] = [];
        if (figures["ray serve"]) comparisons.push(compare("ray", pair("aios /v1 block"), pair("ray serve")));
        if (figures["kserve oip"]) comparisons.push(compare("kserve", pair("aios oip"), pair("kserve oip")));
        return resultOf(
          this.name,
          ctx,
          figures,
          comparisons,
          running.map((r) => r.report),
          "aios /v1 block",
          {
            concurrency,
            idle_cpu_ms_per_s: idle,
            load: { before: loadBefore, after: loadNow() },
          },
        );
      } finally {
        await stopAll(ctx, running, aios.stop);
      }
    },
  };
}

/** `peers.chain-3`: a 3-step chain of echo models, an AIOS vDAG vs a Ray Serve deployment graph. */
export function chainScenario(opts: PeersOptions = {}): Scenario {
  const c1: LoadPlan = { concurrency: 1, n: opts.n ?? 1_000, warmup: opts.warmup ?? 1_000, turns: 4 };
  const c32: LoadPlan = { concurrency: 32, n: opts.n ?? 2_000, warmup: opts.warmup ?? 2_000, turns: 4 };
  const wanted = opts.peers ?? ["ray"];
  return {
    name: `peers.chain-${STEPS}`,
    description: `a ${STEPS}-step chain of echo models at concurrency 1 and 32: an AIOS vDAG vs a Ray Serve deployment graph`,
    async run(ctx): Promise<ScenarioResult> {
      const loadBefore = loadNow();
      const peers = await peersOf(wanted, opts.setup);
      const aios = await startAiosChain();
      const running: Running[] = [];
      try {
        running.push(await startPeer("ray", peers.get("ray"), (p) => startRayServe(p, "chain")));
        const [ray] = running as [Running];
        const sides: Side[] = [
          {
            name: "aios vdag",
            system: "aios",
            url: `${aios.apiUrl}/v1/vdags/${encodeURIComponent(CHAIN_VDAG)}/infer`,
            headers: bearer(aios.dataKey),
            body: chainBody,
            check: echoed,
          },
        ];
        if (ray.url)
          sides.push({
            name: "ray graph",
            system: "ray",
            url: ray.url,
            headers: json,
            body: chainBody,
            check: echoed,
          });
        const idle = await idleCpu(aios.postgres);
        process.stderr.write(`  idle CPU, ms per s: ${JSON.stringify(idle)}\n`);
        const atC1 = await measure(sides, { ...c1, watch: aios.postgres }, running);
        const left = sides.filter((s) => atC1.has(s.name));
        const atC32 = await measure(left, { ...c32, watch: aios.postgres }, running);
        const figures: Record<string, SideFigures> = {};
        for (const s of left) {
          figures[`${s.name} c1`] = atC1.get(s.name) as SideFigures;
          const f = atC32.get(s.name);
          if (f) figures[`${s.name} c32`] = f;
        }
        for (const [name, f] of Object.entries(figures)) process.stderr.write(line(name, f));
        const perHop = Object.fromEntries(
          [...atC1].map(([name, f]) => [
            name,
            { p50_ms: round(f.p50_ms / STEPS), p99_ms: round(f.p99_ms / STEPS) },
          ]),
        );
        process.stderr.write(`  per hop at c1: ${JSON.stringify(perHop)}\n`);
        const comparisons: Comparison[] = [];
        if (figures["ray graph c1"] && figures["ray graph c32"])
          comparisons.push(
            compare(
              "ray",
              ["aios vdag c1", figures["aios vdag c1"] as Figures],
              ["ray graph c1", figures["ray graph c1"] as Figures],
              [figures["aios vdag c32"] as Figures, figures["ray graph c32"] as Figures],
            ),
          );
        return resultOf(
          this.name,
          ctx,
          figures,
          comparisons,
          running.map((r) => r.report),
          "aios vdag c1",
          {
            steps: STEPS,
            per_hop: perHop,
            idle_cpu_ms_per_s: idle,
            load: { before: loadBefore, after: loadNow() },
          },
        );
      } finally {
        await stopAll(ctx, running, aios.stop);
      }
    },
  };
}

/** The peers first (the stack would count their processes as its own), then AIOS. */
async function stopAll(ctx: ScenarioContext, running: Running[], stopAios: () => Promise<string[]>) {
  for (const r of running) {
    const killed = await r.stop().catch((e: Error) => [`stop failed: ${e.message}`]);
    if (killed.length > 0)
      ctx.problem(`had to kill what ${TITLES[r.report.name]} left running: ${killed.join(", ")}`);
  }
  const killed = await stopAios();
  if (killed.length > 0) ctx.problem(`had to kill what the AIOS stack left running: ${killed.join(", ")}`);
}

export const peersScenarios: Scenario[] = [modelScenario(1), modelScenario(32), chainScenario()];
