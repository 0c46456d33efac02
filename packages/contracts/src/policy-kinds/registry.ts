import type { z } from "zod";
import { safeParseSpec, type TSpecError } from "../errors";
import { unsafeInputIssue } from "../input-safety";
import { POLICY_KINDS, type TPolicyKind } from "../specs/policy";
import { CLUSTER_ALLOCATOR, RESOURCE_ALLOCATOR } from "./allocation";
import { AUTOSCALER, HEALTH_CHECKER, LOAD_BALANCER } from "./block-runtime";
import { CLUSTER_STABILITY, EVENT } from "./cluster";
import type { TPolicyKindEntry } from "./common";
import { FUNCTION } from "./general";
import { PRE_CHECK } from "./pre-check";
import {
  BLOCK_POST_PROCESSING,
  BLOCK_PRE_PROCESSING,
  VDAG_POST_PROCESSING,
  VDAG_PRE_PROCESSING,
} from "./processing";
import { ASSIGNMENT, RANKING } from "./search";
import { TEMPLATE } from "./template";
import { QUALITY_CHECKER, QUOTA_CHECKER, VDAG_HEALTH_CHECKER } from "./vdag-controller";

/**
 * Every policy kind's input and output schema, a one-sentence description and a starter module
 * (the console's "new policy" and the tests use it). The policy runtime validates what it passes
 * to `eval` and what `eval` returns with these (`validatePolicyInput` / `validatePolicyOutput`).
 */
export const POLICY_KIND_SCHEMAS = {
  loadBalancer: LOAD_BALANCER,
  autoscaler: AUTOSCALER,
  healthChecker: HEALTH_CHECKER,
  clusterAllocator: CLUSTER_ALLOCATOR,
  resourceAllocator: RESOURCE_ALLOCATOR,
  assignment: ASSIGNMENT,
  ranking: RANKING,
  blockPreProcessing: BLOCK_PRE_PROCESSING,
  blockPostProcessing: BLOCK_POST_PROCESSING,
  vdagPreProcessing: VDAG_PRE_PROCESSING,
  vdagPostProcessing: VDAG_POST_PROCESSING,
  quotaChecker: QUOTA_CHECKER,
  qualityChecker: QUALITY_CHECKER,
  vdagHealthChecker: VDAG_HEALTH_CHECKER,
  preCheck: PRE_CHECK,
  clusterStability: CLUSTER_STABILITY,
  event: EVENT,
  function: FUNCTION,
  template: TEMPLATE,
} as const satisfies Record<TPolicyKind, TPolicyKindEntry>;

type TSchemas = typeof POLICY_KIND_SCHEMAS;

/** What `eval` receives for kind K. */
export type TPolicyInput<K extends TPolicyKind> = z.output<TSchemas[K]["input"]>;
/** What `eval` of kind K must return. */
export type TPolicyOutput<K extends TPolicyKind> = z.input<TSchemas[K]["output"]>;
export type TPolicyInputs = { [K in TPolicyKind]: TPolicyInput<K> };
export type TPolicyOutputs = { [K in TPolicyKind]: TPolicyOutput<K> };

export type TPolicyValidation<T> = { ok: true; value: T } | { ok: false; errors: TSpecError[] };

function entryOf(kind: string): TPolicyKindEntry | undefined {
  return (POLICY_KINDS as readonly string[]).includes(kind)
    ? (POLICY_KIND_SCHEMAS as Record<string, TPolicyKindEntry>)[kind]
    : undefined;
}

function unknownKind(kind: string): { ok: false; errors: TSpecError[] } {
  return { ok: false, errors: [{ path: "kind", message: `unknown policy kind ${JSON.stringify(kind)}` }] };
}

/** What no store can take (a NUL or lone surrogate, nesting past MAX_INPUT_DEPTH) is refused first. */
function validate<T>(schema: z.ZodType, value: unknown, root: string): TPolicyValidation<T> {
  const unsafe = unsafeInputIssue(value, { under: [root] });
  if (unsafe) return { ok: false, errors: [unsafe] };
  const result = safeParseSpec(schema, value, [root]);
  return result.ok ? { ok: true, value: result.data as T } : result;
}

/** Checks what the runtime is about to pass to `eval`; errors are under `input` (`input.instances[0].id`). */
export function validatePolicyInput<K extends TPolicyKind>(
  kind: K,
  value: unknown,
): TPolicyValidation<TPolicyInput<K>> {
  const entry = entryOf(kind);
  if (!entry) return unknownKind(kind);
  return validate(entry.input, value, "input");
}

/**
 * Checks what `eval` returned; errors are under `output` (`output.instanceId`). Give the `input` for
 * kinds whose output depends on the input's action (clusterAllocator, resourceAllocator): without
 * it, any action's output shape is accepted.
 */
export function validatePolicyOutput<K extends TPolicyKind>(
  kind: K,
  value: unknown,
  input?: unknown,
): TPolicyValidation<TPolicyOutput<K>> {
  const entry = entryOf(kind);
  if (!entry) return unknownKind(kind);
  const schema = input !== undefined && entry.outputFor ? entry.outputFor(input) : entry.output;
  return validate(schema, value, "output");
}
