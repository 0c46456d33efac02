import { parseSpecDocument, type TSpecAction, type TSpecError } from "../src/index";

export function doc(action: TSpecAction | string, values: unknown) {
  return { header: { templateUri: "Parser/V1", action }, body: { spec: { values } } };
}

/** Errors of a document expected to fail; throws if it parsed. */
export function errorsOf(action: TSpecAction, values: unknown): TSpecError[] {
  const result = parseSpecDocument(doc(action, values));
  if (result.ok) throw new Error(`expected ${action} to fail, it parsed`);
  return result.errors;
}

/** Parsed values of a document expected to pass; throws with the errors otherwise. */
export function valuesOf(action: TSpecAction, values: unknown): Record<string, unknown> {
  const result = parseSpecDocument(doc(action, values));
  if (!result.ok) throw new Error(`expected ${action} to parse: ${JSON.stringify(result.errors)}`);
  return result.values as Record<string, unknown>;
}

export const V = "body.spec.values";

export const validComponent = () => ({
  componentId: { name: "object-detector", version: "2.0.0", releaseTag: "stable" },
  componentType: "model",
  containerRegistryInfo: { containerImage: "registry.local/object-detector:2.0.0", componentMode: "aios" },
});

export const validBlock = () => ({
  blockComponentURI: "model.object-detector:2.0.0-stable",
  minInstances: 1,
  maxInstances: 3,
});

export const validVdag = () => ({
  vdagName: "pose-estimator",
  nodes: [
    { spec: { values: { nodeLabel: "detect", manualBlockId: "blk-aaaaaaaa" } } },
    {
      spec: {
        values: {
          nodeLabel: "pose",
          assignmentPolicyRule: { policyRuleURI: "pick-first:1.0-stable", parameters: { filterRule: {} } },
        },
      },
    },
  ],
  graph: { connections: [{ nodeLabel: "pose", inputs: [{ nodeLabel: "detect" }] }] },
});

export const validCluster = () => ({
  id: "gpu-1",
  regionId: "eu-west",
  config: { publicHostname: "gpu-1.example.org" },
});
