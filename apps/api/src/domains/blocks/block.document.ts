import type { TBlockSpec } from "@aios/contracts";

type PolicyEntry = { policyRuleURI: string; parameters?: unknown; settings?: unknown };

/**
 * The stored block document, with the original's field names (reference §2.3): the component's
 * defaults under the block's own values, and the component's policies with the block's
 * `policyRulesSpec` entries replacing or adding by name.
 */
export function blockDocument(
  id: string,
  spec: TBlockSpec,
  component: Record<string, unknown>,
  clusterId: string,
): Record<string, unknown> {
  const policies: Record<string, PolicyEntry> = { ...(component.policies as Record<string, PolicyEntry>) };
  for (const { values } of spec.policyRulesSpec ?? []) {
    const { name, ...rule } = values;
    policies[name] = rule as PolicyEntry;
  }
  return {
    id,
    componentUri: spec.blockComponentURI,
    blockComponentURI: spec.blockComponentURI,
    cluster: { id: clusterId },
    minInstances: spec.minInstances,
    maxInstances: spec.maxInstances,
    blockInitData: { ...objectOf(component.componentInitData), ...spec.blockInitData },
    initSettings: { ...objectOf(component.componentInitSettings), ...spec.initSettings },
    parameters: { ...objectOf(component.componentParameters), ...spec.parameters },
    policies,
    inputProtocol: component.componentInputProtocol ?? null,
    outputProtocol: component.componentOutputProtocol ?? null,
    blockMetadata: {},
    tags: component.tags ?? [],
    spec,
  };
}

function objectOf(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
