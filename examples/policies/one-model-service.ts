import { definePolicy } from "@aios/policy-runtime";

// A template: a short "one-model service" document becomes a component, a block running it and a
// one-node vDAG serving that block (examples/templates/one-model-service.json):
//
//   body: { name, version?, component: { type?, program | image }, replicas, parameters? }
//   header.parameters: { clusterId?, releaseTag?, maxReplicas? }
//
// What the body gets wrong beyond its own shape (replicas "two", a name that is no DNS label) is
// left to the Parser, which names the field of the document it lands in.
export default definePolicy({
  kind: "template",
  eval(input, { parameters }) {
    const body = input.document.body;
    const name = body.name;
    if (typeof name !== "string" || name === "") throw new Error('body.name: required, e.g. "shout"');
    const component = (body.component ?? {}) as Record<string, unknown>;
    const program = component.program;
    const image = component.image;
    if (typeof program !== "string" && typeof image !== "string") {
      throw new Error("body.component: give program (a path in the repository) or image (a container image)");
    }
    const type = typeof component.type === "string" ? component.type : "model";
    const version = typeof body.version === "string" ? body.version : "1.0.0";
    const releaseTag = typeof parameters.releaseTag === "string" ? parameters.releaseTag : "stable";
    const replicas = body.replicas ?? 1;
    const maxReplicas =
      typeof replicas === "number" && typeof parameters.maxReplicas === "number"
        ? Math.max(replicas, parameters.maxReplicas)
        : replicas;
    const tags = ["one-model-service"];
    const doc = (
      action: "registerComponent" | "createBlock" | "createvDAG",
      values: Record<string, unknown>,
    ) => ({
      header: { templateUri: "Parser/V1" as const, action },
      body: { spec: { values } },
    });
    return {
      documents: [
        doc("registerComponent", {
          componentId: { name, version, releaseTag },
          componentType: type,
          containerRegistryInfo: typeof image === "string" ? { containerImage: image } : {},
          ...(typeof program === "string" ? { runtime: { entry: program } } : {}),
          componentParameters: body.parameters ?? {},
          componentMetadata: { description: `One-model service ${name}`, template: input.templateUri },
          tags,
        }),
        doc("createBlock", {
          blockId: name,
          blockComponentURI: `${type}.${name}:${version}-${releaseTag}`,
          minInstances: replicas,
          maxInstances: maxReplicas,
          ...(typeof parameters.clusterId === "string" ? { clusterId: parameters.clusterId } : {}),
        }),
        doc("createvDAG", {
          vdagName: name,
          vdagVersion: { version, "release-tag": releaseTag },
          discoveryTags: tags,
          nodes: [{ spec: { values: { nodeLabel: "model", nodeType: "block", manualBlockId: name } } }],
        }),
      ],
    };
  },
});
