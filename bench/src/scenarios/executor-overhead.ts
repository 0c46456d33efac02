import { executorOverheadScenario } from "./executor-bench";

/** The executor's own path: built-in round robin, no policy. */
export const executorOverhead = executorOverheadScenario({ name: "executor.overhead", extra: "" });
