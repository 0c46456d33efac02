/** Minimal spec documents shown in empty states, next to the `aios apply` command that uses them. */

const header = (action: string) => ({ templateUri: "Parser/V1", action });

export const EXAMPLE_BLOCK = {
  header: header("createBlock"),
  body: {
    spec: {
      values: {
        blockComponentURI: "model.echo:1.0.0-stable",
        clusterId: "local",
        minInstances: 1,
        maxInstances: 2,
      },
    },
  },
};

export const EXAMPLE_VDAG = {
  header: header("createvDAG"),
  body: {
    spec: {
      values: {
        vdagName: "echo-pipeline",
        vdagVersion: { version: "1.0.0", "release-tag": "stable" },
        nodes: [{ spec: { values: { nodeLabel: "echo", manualBlockId: "<block id>" } } }],
      },
    },
  },
};

export const EXAMPLE_POLICY = {
  header: header("createPolicy"),
  body: {
    spec: {
      values: {
        name: "allow-all",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "preCheck",
        codePath: "<path/to/policy.ts>",
      },
    },
  },
};
