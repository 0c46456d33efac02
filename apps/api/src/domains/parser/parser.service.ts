import {
  isTemplatedDocument,
  PARSER_TEMPLATE_URI,
  parseSpecDocument,
  type TParsedSpec,
  type TPolicyLogEntry,
  type TSpecAction,
  type TSpecDocument,
  type TSpecError,
} from "@aios/contracts";
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
import type { SpecStore } from "../specs/spec-store.service";
import type { VdagService } from "../vdags/vdag.service";
import type { TemplateExpander } from "./template-expansion";

export interface ApplyOutcome {
  action: TSpecAction;
  /** The key of what the document is about: a component URI, cluster id, block id, ... */
  target: string;
  /** False when an identical document had already been applied, or for dry runs. */
  created: boolean;
  dryRun: boolean;
  result: unknown;
}

/** A document for a template: the last document's outcome, with every document's in `template`. */
export interface ParserApplyOutcome extends ApplyOutcome {
  template?: { templateUri: string; outcomes: ApplyOutcome[] };
}

/** What `parser.expand` answers: the `Parser/V1` documents an apply would apply, in order. */
export interface ParserExpansion {
  templateUri: string;
  documents: TSpecDocument[];
  logs: TPolicyLogEntry[];
}

/** Where an apply's document came from, for its audit events. */
interface ApplyOrigin {
  templateUri?: string;
  specUri?: string;
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
  /** Documents whose `templateUri` names a template policy are expanded by it first. */
  templates: TemplateExpander;
  /** Stored spec documents, applied by URI. */
  specs: Pick<SpecStore, "documentOf">;
}

/**
 * The Parser: the one gateway that takes any spec document, validates it and dispatches on its
 * action. Every apply is idempotent and audited. A document whose `header.templateUri` names a
 * template policy is handed to it, and the `Parser/V1` documents it returns are all validated
 * before the first is applied, then applied in order (each idempotent: an apply that stops on one
 * of them, a pre-check's denial say, completes when the same document is applied again).
 */
export function createParserService(deps: ParserDeps) {
  const parse = (document: unknown): TParsedSpec => {
    const outcome = parseSpecDocument(document);
    if (!outcome.ok) throw UserError.fromIssues(outcome.errors, "invalid spec document");
    return outcome;
  };

  const applyOne = async (spec: TParsedSpec, principal: Principal | null, origin: ApplyOrigin) => {
    const outcome = await dispatch(deps, spec, principal);
    // A dry run stores nothing but runs the pre-check policies: it is recorded too.
    await deps.audit.record(principal, {
      action: `parser.${spec.action}`,
      target: outcome.target,
      input: spec.document,
      decision: { created: outcome.created, ...(outcome.dryRun ? { dryRun: true } : {}), ...origin },
    });
    return outcome;
  };

  const apply = async (
    document: unknown,
    principal: Principal | null,
    origin: ApplyOrigin = {},
  ): Promise<ParserApplyOutcome> => {
    if (!isTemplatedDocument(document)) return applyOne(parse(document), principal, origin);
    const { templateUri, documents } = await deps.templates.expand(document);
    const outcomes: ApplyOutcome[] = [];
    for (const spec of documents) outcomes.push(await applyOne(spec, principal, { ...origin, templateUri }));
    // The template kind's output holds at least one document.
    const last = outcomes[outcomes.length - 1] as ApplyOutcome;
    return { ...last, created: outcomes.some((o) => o.created), template: { templateUri, outcomes } };
  };

  return {
    validate(
      document: unknown,
    ): { valid: true; action: TSpecAction } | { valid: false; errors: TSpecError[] } {
      if (isTemplatedDocument(document)) {
        const message =
          "names a template; validateSpec runs no code, so expand the document to check it (parser.expand, operators)";
        return { valid: false, errors: [{ path: "header.templateUri", message }] };
      }
      const outcome = parseSpecDocument(document);
      return outcome.ok ? { valid: true, action: outcome.action } : { valid: false, errors: outcome.errors };
    },

    apply: (document: unknown, principal: Principal | null) => apply(document, principal),

    /** Applies the spec stored under `specUri` (the spec store). */
    async applyStored(specUri: string, principal: Principal | null): Promise<ParserApplyOutcome> {
      return apply(await deps.specs.documentOf(specUri), principal, { specUri });
    },

    /** What an apply of the document (given, or stored under `specUri`) would apply; applies nothing. */
    async expand(source: { document?: unknown; specUri?: string | undefined }): Promise<ParserExpansion> {
      const document =
        source.specUri !== undefined ? await deps.specs.documentOf(source.specUri) : source.document;
      if (!isTemplatedDocument(document)) {
        return { templateUri: PARSER_TEMPLATE_URI, documents: [parse(document).document], logs: [] };
      }
      const expansion = await deps.templates.expand(document);
      return { ...expansion, documents: expansion.documents.map((d) => d.document) };
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
