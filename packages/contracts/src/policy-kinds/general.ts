import { z } from "zod";
import { TEMPLATE_IMPORT, type TPolicyKindEntry } from "./common";

/**
 * A general-purpose policy: any JSON in, any JSON out. What policy jobs (execution type 3),
 * stateful functions (type 4) and graphs of functions (type 5) usually run when they are not
 * standing in for one of the system's decisions.
 */
export const ZFunctionInput = z.json();
export const ZFunctionOutput = z.json();

export const FUNCTION = {
  input: ZFunctionInput,
  output: ZFunctionOutput,
  description: "General compute: run as a job on a cluster, as a stateful function, or as a step of a graph.",
  template: `${TEMPLATE_IMPORT}

// function: any JSON in, any JSON out; the state is kept between calls of one replica.
export default definePolicy({
  kind: "function",
  init() {
    return { calls: 0 };
  },
  eval(input, { state, log }) {
    state.calls += 1;
    log.info(\`call \${state.calls}\`);
    return { echo: input, calls: state.calls };
  },
});
`,
} satisfies TPolicyKindEntry;
