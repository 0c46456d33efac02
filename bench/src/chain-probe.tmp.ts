import { Pool } from "undici";
import { CHAIN_VDAG, startAiosChain } from "./scenarios/peers-aios";
const side = await startAiosChain();
const pool = new Pool(side.apiUrl, { connections: 1 });
const ctl = { total: [] as number[], steps: [] as number[], first: null as unknown };
for (let i = 0; i < 600; i++) {
  const t0 = performance.now();
  const res = await pool.request({ path: `/v1/vdags/${encodeURIComponent(CHAIN_VDAG)}/infer`, method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${side.dataKey}` }, body: JSON.stringify({ session_id: `s${i}`, data: { message: "hi" } }) });
  const body = (await res.body.json()) as { trace?: Array<Record<string, unknown>> };
  const t = performance.now() - t0;
  if (i >= 100) {
    ctl.total.push(t);
    ctl.steps.push((body.trace ?? []).reduce((a, s) => a + Number(s.durationMs ?? s.ms ?? 0), 0));
  }
  if (i === 599) ctl.first = body.trace;
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log("client p50", med(ctl.total), "sum of steps p50", med(ctl.steps));
console.log(JSON.stringify(ctl.first, null, 1).slice(0, 2500));
await pool.close();
console.log(await side.stop());
