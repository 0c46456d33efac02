/** Policy sources and inputs shared by the tests. */

export const lbInput = (ids: string[] = ["a", "b"]) => ({
  mode: "load_balance",
  packet: { session_id: "s1", seq_no: 0, data: {}, ts: 0 },
  instances: ids.map((id) => ({ id })),
});

/** A loadBalancer whose eval body is `body` (it may use input, state, settings, parameters, log). */
export const lbPolicy = (body: string, extra = "") => `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  init({ settings, parameters }) { return { next: 0, settings, parameters }; },
  eval(input, { state, settings, parameters, metrics, log }) {
${body}
  },${extra}
});
`;

export const ROUND_ROBIN = lbPolicy(
  "    const i = input.instances[state.next++ % input.instances.length];\n    return { instanceId: i.id };",
);

/** Runs `body` as the management handler; management output has no schema, so any JSON goes. */
export const probePolicy = (body: string) =>
  lbPolicy(
    '    return { instanceId: "x" };',
    `\n  management(action, data, { state, log }) {\n${body}\n  },`,
  );
