import {
  fieldIssues,
  issuesLine,
  type TPolicyCallResult,
  type TPolicyLogEntry,
  type TPreCheckAction,
  ZPreCheckInput,
  ZPreCheckOutput,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import type { z } from "zod";
import type { Principal } from "../../auth/principal";
import { DeniedError } from "../../errors";
import type { AuditService } from "../audit/audit.service";
import { asObject } from "../registry/doc";

export type TPreCheckInput = z.infer<typeof ZPreCheckInput>;
export type PreCheckInputOf<A extends TPreCheckAction> = Extract<TPreCheckInput, { action: A }>;

/** Where an action's pre-check policy comes from: the cluster's own map or the network's. */
export type PreCheckSource = "cluster" | "network";

export interface PreCheckDecision {
  action: TPreCheckAction;
  allowed: boolean;
  /** The policy that decided; null when no policy is set for the action (allowed unchanged). */
  policyRuleURI: string | null;
  source: PreCheckSource | null;
  /** Why it was denied: the policy's reason, or how the policy failed. */
  reason?: string;
  /** The policy returned a modified input. */
  modified: boolean;
  /** The input to carry on with (the policy's modified one, else the one given). */
  input: TPreCheckInput;
  logs: TPolicyLogEntry[];
}

export interface PreCheckDeps {
  db: Db;
  audit: AuditService;
  /** The central executor (execution type 2). */
  execute(policyRuleURI: string, input: unknown): Promise<TPolicyCallResult>;
}

export interface CheckOptions {
  /** The existing cluster the action concerns: its `config.actionsPolicyMap` comes first. */
  clusterId?: string | null | undefined;
  /** Who asked, for the audit event. */
  actor: Principal | null;
  /** What the action is about (cluster, node, block id or vDAG URI), for the audit event. */
  target: string;
}

/** Says why a modified input cannot be carried on with (e.g. it renames the cluster), or null. */
export type AcceptModified<I> = (modified: I) => string | null;

/**
 * The gateway's pre-checks (reference §4.2): before a cluster, node, block, management or
 * vDAG-controller action, the action's pre-check policy allows it (possibly with a modified input)
 * or denies it. The policy is the concerned cluster's `config.actionsPolicyMap[action]`, else the
 * network's (`pre_check_policies`); `add_cluster` only ever uses the network's, since a cluster
 * that is not in yet cannot approve itself. A policy that fails denies (fail closed).
 */
export function createPreCheckService(deps: PreCheckDeps) {
  const { db } = deps;

  async function policyFor(
    action: TPreCheckAction,
    clusterId?: string | null,
  ): Promise<{ policyRuleURI: string; source: PreCheckSource } | null> {
    if (clusterId && action !== "add_cluster") {
      const row = await db.cluster.findUnique({ where: { id: clusterId }, select: { doc: true } });
      const uri = asObject(asObject(asObject(row?.doc).config).actionsPolicyMap)[action];
      // An empty string is a removed entry (the spec's convention), not a policy.
      if (typeof uri === "string" && uri !== "") return { policyRuleURI: uri, source: "cluster" };
    }
    const network = await db.preCheckPolicy.findUnique({ where: { action } });
    return network ? { policyRuleURI: network.policyRuleURI, source: "network" } : null;
  }

  /** Runs the action's policy, if any, and says what it decided. Never throws for a policy's failure. */
  async function decide(
    input: TPreCheckInput,
    clusterId?: string | null,
    accept?: AcceptModified<TPreCheckInput>,
  ): Promise<PreCheckDecision & { ran: boolean }> {
    const { action } = input;
    const ref = await policyFor(action, clusterId);
    if (!ref) {
      return {
        action,
        allowed: true,
        policyRuleURI: null,
        source: null,
        modified: false,
        input,
        logs: [],
        ran: false,
      };
    }
    const base = { action, policyRuleURI: ref.policyRuleURI, source: ref.source, ran: true };
    const deny = (reason: string, logs: TPolicyLogEntry[] = []) => ({
      ...base,
      allowed: false,
      reason,
      modified: false,
      input,
      logs,
    });
    const parsed = ZPreCheckInput.safeParse(input);
    if (!parsed.success)
      return deny(
        `its input does not fit the preCheck kind: ${issuesLine(fieldIssues(parsed.error, "(input)"))}`,
      );
    const policy = await db.policy.findUnique({
      where: { policyRuleURI: ref.policyRuleURI },
      select: { kind: true },
    });
    if (!policy) return deny(`policy ${ref.policyRuleURI} was not found`);
    if (policy.kind !== "preCheck")
      return deny(`policy ${ref.policyRuleURI} is a ${policy.kind} policy, not preCheck`);
    let r: TPolicyCallResult;
    try {
      r = await deps.execute(ref.policyRuleURI, parsed.data);
    } catch (err) {
      return deny(`the policy failed: ${(err as Error).message}`);
    }
    if (!r.ok)
      return deny(
        `the policy failed (${r.error?.kind ?? "error"}): ${r.error?.message ?? "unknown error"}`,
        r.logs,
      );
    const out = ZPreCheckOutput.safeParse(r.output);
    if (!out.success) {
      const issues = issuesLine(fieldIssues(out.error, "(output)"));
      return deny(`the policy's output is not a preCheck decision: ${issues}`, r.logs);
    }
    if (!out.data.allowed) return deny(out.data.reason, r.logs);
    const modified = out.data.input;
    if (modified && modified.action !== action) {
      return deny(`the policy's modified input is for ${modified.action}, not ${action}`, r.logs);
    }
    const unusable = modified && accept ? accept(modified) : null;
    if (unusable) return deny(`the policy's modified input cannot be used: ${unusable}`, r.logs);
    return {
      ...base,
      allowed: true,
      modified: modified !== undefined,
      input: modified ?? input,
      logs: r.logs,
    };
  }

  return {
    policyFor,

    /** The decision without acting on it and without an audit event (gateway.dryRun). */
    async decide(input: TPreCheckInput, clusterId?: string | null): Promise<PreCheckDecision> {
      const { ran: _ran, ...decision } = await decide(input, clusterId);
      return decision;
    },

    /**
     * Before an action: returns the input to carry on with, or throws a DeniedError naming the
     * action, the policy and the reason. Every decision a policy made is an audit event; with no
     * policy set the action goes on unchanged (its own audit event records it).
     */
    async check<I extends TPreCheckInput>(
      input: I,
      opts: CheckOptions & { accept?: AcceptModified<I> },
    ): Promise<I> {
      const {
        ran,
        logs: _logs,
        input: carried,
        ...decision
      } = await decide(input, opts.clusterId, opts.accept as AcceptModified<TPreCheckInput> | undefined);
      if (!ran) return input;
      await deps.audit.record(opts.actor, {
        action: "gateway.preCheck",
        target: opts.target,
        input,
        decision: decision.modified ? { ...decision, input: carried } : decision,
      });
      if (!decision.allowed) {
        throw new DeniedError(
          `${decision.action} denied by pre-check ${decision.policyRuleURI}: ${decision.reason ?? "denied"}`,
        );
      }
      return carried as I;
    },
  };
}

export type PreCheckService = ReturnType<typeof createPreCheckService>;
