import { specDocumentOf, type TSpecAction } from "@aios/contracts";

/**
 * Starting documents of the console's create flows: complete enough to apply as they are once
 * the placeholders are replaced, and shaped like `examples/specs/*.json`.
 */
const TEMPLATES = {
  registerComponent: {
    componentId: { name: "my-component", version: "0.1.0", releaseTag: "beta" },
    componentMetadata: { description: "What this component does" },
    containerRegistryInfo: { componentMode: "aios" },
    runtime: { entry: "examples/components/echo/index.ts" },
    componentParameters: {},
    tags: ["example"],
    componentInputProtocol: { message: { type: "string", description: "Text to process" } },
    componentOutputProtocol: { message: { type: "string", description: "The result" } },
    componentType: "tool",
  },
  createCluster: {
    id: "my-cluster",
    regionId: "local",
    config: { publicHostname: "127.0.0.1", policyExecutionMode: "local", useGateway: false },
    tags: ["development"],
    clusterMetadata: { name: "My cluster", description: "What runs here", owner: "me" },
  },
} satisfies Partial<Record<TSpecAction, Record<string, unknown>>>;

export type TemplateAction = keyof typeof TEMPLATES;

/** The template as editor text (two-space JSON). */
export function templateText(action: TemplateAction): string {
  return documentText(action, TEMPLATES[action]);
}

export function documentText(action: TSpecAction, values: Record<string, unknown>): string {
  return `${JSON.stringify(specDocumentOf(action, values), null, 2)}\n`;
}
