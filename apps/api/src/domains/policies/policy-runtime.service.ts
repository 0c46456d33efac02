import type { TDryRunResult, TPolicyCallResult, TPolicyErrorInfo, TPolicyKind } from "@aios/contracts";
import type { Db } from "@aios/db";
import {
  compilePolicy,
  createPolicyHost,
  dryRunPolicy,
  loadPolicyInstance,
  PolicyError,
  type PolicyHostOptions,
  type PolicyQuery,
  policyCallResult,
  type SandboxLimits,
} from "@aios/policy-runtime";
import { NotFoundError, UserError } from "../../errors";
import { asObject } from "../registry/doc";
import { checkPolicyValues } from "./policy-contract";
import { storedPolicy } from "./policy-record";

export interface PolicySourceRecord {
  policyRuleURI: string;
  code: string;
  kind: TPolicyKind;
  settings: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

/**
 * A stored policy as the runtime needs it: code, kind and its default settings and parameters.
 * Asked for on every call; a version is immutable, so `storedPolicy` reads its row once and the
 * record is made once per row. Callers must not change it.
 */
export async function policySource(
  db: Db,
  policyRuleURI: string,
  field = "policyRuleURI",
): Promise<PolicySourceRecord> {
  const row = await storedPolicy(db, policyRuleURI);
  if (!row) throw new NotFoundError("policy", policyRuleURI, field);
  let source = sources.get(row);
  if (!source) {
    const doc = asObject(row.doc);
    source = {
      policyRuleURI,
      code: row.code,
      kind: row.kind as TPolicyKind,
      settings: asObject(doc.policySettings),
      parameters: asObject(doc.policyParameters),
    };
    sources.set(row, source);
  }
  return source;
}

/** One source per kept row: the runtime tells a version's warm isolates apart by it. */
const sources = new WeakMap<object, PolicySourceRecord>();

/**
 * Runs policies for the management plane itself: the central executor (execution type 2:
 * stateless calls on warm isolates), dry runs, and the checks a policy passes when it is created.
 */
export function createPolicyRuntimeService(
  db: Db,
  limits: Partial<SandboxLimits> = {},
  opts: {
    /** Told of every evaluation (`aios_policy_eval_duration_seconds{kind}`). */
    observe?: PolicyHostOptions["observe"];
    /** What the policies it runs get as `ctx.query` (metrics, read-only); none without it. */
    query?: PolicyQuery;
  } = {},
) {
  const { observe, query } = opts;
  const host = createPolicyHost({
    resolve: (uri) => policySource(db, uri),
    limits,
    ...(observe ? { observe } : {}),
  });
  return {
    /** `trustedInput`: the API built the input itself (placement): not checked against the kind's schema. */
    async execute(
      policyRuleURI: string,
      input: unknown,
      overrides: { settings?: object; parameters?: object } = {},
      opts: { trustedInput?: boolean } = {},
    ): Promise<TPolicyCallResult> {
      // A clear NotFound, and values the policy's schemas accept, before the runtime runs it.
      await checkPolicyValues(db, policyRuleURI, overrides);
      return policyCallResult(
        await host.execute(policyRuleURI, input, overrides, { ...opts, ...(query ? { query } : {}) }),
      );
    },

    /** What `execute` checks before running: the policy exists and takes these values. */
    checkValues: (policyRuleURI: string, overrides: { settings?: object; parameters?: object }) =>
      checkPolicyValues(db, policyRuleURI, overrides),

    async dryRun(req: {
      code?: string | undefined;
      policyRuleURI?: string | undefined;
      kind?: TPolicyKind | undefined;
      input: unknown;
      settings?: object | undefined;
      parameters?: object | undefined;
    }): Promise<TDryRunResult> {
      let code = req.code;
      let settings = req.settings ?? {};
      let parameters = req.parameters ?? {};
      if (code === undefined) {
        if (!req.policyRuleURI) throw UserError.field("code", "give the policy's code or a policyRuleURI");
        const stored = await policySource(db, req.policyRuleURI);
        await checkPolicyValues(db, req.policyRuleURI, { settings, parameters });
        code = stored.code;
        // The caller's values override the stored defaults (the original had this backwards).
        settings = { ...stored.settings, ...settings };
        parameters = { ...stored.parameters, ...parameters };
      }
      const r = await dryRunPolicy({
        code,
        kind: req.kind,
        input: req.input,
        settings,
        parameters,
        limits,
        ...(query ? { query } : {}),
      });
      return {
        ok: r.ok,
        kind: r.kind,
        ...(r.output !== undefined ? { output: r.output } : {}),
        valid: r.valid,
        validationErrors: r.validationErrors,
        logs: r.logs,
        durationMs: r.durationMs,
        ...(r.error ? { error: { ...r.error } as TPolicyErrorInfo } : {}),
      };
    },

    /**
     * What `createPolicy` checks before storing: the code compiles, exports definePolicy({...}) of
     * the declared kind, and its init runs with the default settings and parameters.
     */
    async check(code: string, kind: TPolicyKind, defaults: { settings?: object; parameters?: object }) {
      try {
        const compiled = await compilePolicy(code, "policy.ts");
        const instance = await loadPolicyInstance(compiled, { limits, ...defaults });
        const actual = instance.kind;
        instance.dispose();
        if (actual !== kind) {
          throw UserError.field("body.spec.values.kind", `the code defines a ${actual} policy, not ${kind}`);
        }
        return compiled;
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        const at = err.line !== undefined ? ` (line ${err.line}, column ${err.column ?? 0})` : "";
        throw UserError.field("body.spec.values.code", `${err.kind} error${at}: ${err.message}`);
      }
    },

    dispose: () => host.dispose(),
  };
}

export type PolicyRuntimeService = ReturnType<typeof createPolicyRuntimeService>;
