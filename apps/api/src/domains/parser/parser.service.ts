import { parseSpecDocument, type TParsedSpec, type TSpecAction, type TSpecError } from "@aios/contracts";
import type { Principal } from "../../auth/principal";
import { UserError } from "../../errors";
import type { AuditService } from "../audit/audit.service";
import type { BlockService } from "../blocks/block.service";
import type { BlockLifecycle } from "../blocks/block-lifecycle.service";
import type { ClusterService } from "../clusters/cluster.service";
import type { ClusterStability } from "../clusters/cluster-stability.service";
import type { ComponentService } from "../components/component.service";
import type { NodeService } from "../nodes/node.service";
import type { PolicyService } from "../policies/policy.service";
import type { VdagService } from "../vdags/vdag.service";

export interface ApplyOutcome {
  action: TSpecAction;
  /** The key of what the document is about: a component URI, cluster id, block id, ... */
  target: string;
  /** False when an identical document had already been applied, or for dry runs. */
  created: boolean;
  dryRun: boolean;
  result: unknown;
}

export interface ParserDeps {
  clusters: ClusterService;
  nodes: NodeService;
  components: ComponentService;
  blocks: BlockService;
  blockLifecycle: BlockLifecycle;
  clusterStability: ClusterStability;
  vdags: VdagService;
  policies: PolicyService;
  audit: AuditService;
}

/**
 * The Parser: the one gateway that takes any spec document, validates it and dispatches on its
 * action. Every apply is idempotent and audited.
 */
export function createParserService(deps: ParserDeps) {
  const parse = (document: unknown): TParsedSpec => {
    const outcome = parseSpecDocument(document);
    if (!outcome.ok) throw UserError.fromIssues(outcome.errors, "invalid spec document");
    return outcome;
  };
  return {
    validate(
      document: unknown,
    ): { valid: true; action: TSpecAction } | { valid: false; errors: TSpecError[] } {
      const outcome = parseSpecDocument(document);
      return outcome.ok ? { valid: true, action: outcome.action } : { valid: false, errors: outcome.errors };
    },

    async apply(document: unknown, principal: Principal | null): Promise<ApplyOutcome> {
      const spec = parse(document);
      const outcome = await dispatch(deps, spec, principal);
      // A dry run stores nothing but runs the pre-check policies: it is recorded too.
      await deps.audit.record(principal, {
        action: `parser.${spec.action}`,
        target: outcome.target,
        input: spec.document,
        decision: { created: outcome.created, ...(outcome.dryRun ? { dryRun: true } : {}) },
      });
      return outcome;
    },
  };
}

export type ParserService = ReturnType<typeof createParserService>;

/** Each action's service runs its gateway pre-check (as `principal`) before it stores or queues anything. */
async function dispatch(
  deps: ParserDeps,
  spec: TParsedSpec,
  principal: Principal | null,
): Promise<ApplyOutcome> {
  const base = { action: spec.action, dryRun: false };
  switch (spec.action) {
    case "registerComponent": {
      const r = await deps.components.register(spec.values);
      return { ...base, target: r.component.componentURI, created: r.created, result: r.component };
    }
    case "createCluster": {
      const r = await deps.clusters.createFromSpec(spec.values, principal);
      return { ...base, target: r.cluster.id, created: r.created, result: r.cluster };
    }
    case "addNode": {
      const r = await deps.nodes.addFromSpec(spec.values, principal);
      return { ...base, target: r.node.id, created: r.created, result: r.node };
    }
    case "createBlock": {
      const r = await deps.blocks.createFromSpec(spec.values, principal);
      return {
        ...base,
        target: r.decision.blockId,
        created: r.created,
        dryRun: r.dryRun,
        result: r.block ?? r.decision,
      };
    }
    case "createvDAG": {
      const r = await deps.vdags.createFromSpec(spec.values, principal);
      const dryRun = spec.values.mode !== "create";
      return {
        ...base,
        target: r.vdagURI,
        created: r.created,
        dryRun,
        result: r.vdag ?? { graph: r.graph, assignment: r.assignment, plan: r.plan },
      };
    }
    case "createPolicy": {
      const r = await deps.policies.createFromSpec(spec.values);
      return { ...base, target: r.policy.policyRuleURI, created: r.created, result: r.policy };
    }
    case "executeMgmtCommand": {
      const v = spec.values;
      if (v.service === "stability_checker") {
        // The spec requires clusterId for this service.
        const clusterId = v.clusterId ?? "";
        const r = await deps.clusterStability.mgmt(
          clusterId,
          v.service,
          v.mgmtCommand,
          v.mgmtData,
          {
            cluster: "body.spec.values.clusterId",
            action: "body.spec.values.mgmtCommand",
            data: "body.spec.values.mgmtData",
          },
          principal,
        );
        return { ...base, target: clusterId, created: false, result: r };
      }
      if (!v.blockId)
        throw UserError.field("body.spec.values.blockId", `Required for service "${v.service}"`);
      const r =
        v.service === "instances"
          ? await deps.blockLifecycle.mgmt(v.blockId, v.instanceId, v.mgmtCommand, v.mgmtData, principal)
          : await deps.blockLifecycle.serviceMgmt(
              v.blockId,
              v.service,
              v.mgmtCommand,
              v.mgmtData,
              { action: "body.spec.values.mgmtCommand", data: "body.spec.values.mgmtData" },
              principal,
            );
      return { ...base, target: v.blockId, created: false, result: r };
    }
  }
}
