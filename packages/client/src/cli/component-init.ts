import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { COMPONENT_NAME_RE } from "@aios/contracts";
import { BUNDLE_FILE, COMPONENT_SPEC_FILE, INSTANCE_SDK } from "../component-bundle";
import { type CliIo, CliUsageError } from "./io";

export const COMPONENT_TYPES = ["model", "tool"] as const;
export type ComponentKind = (typeof COMPONENT_TYPES)[number];

const specOf = (name: string, type: ComponentKind) => ({
  componentId: { name, version: "0.1.0", releaseTag: "dev" },
  componentType: type,
  componentMetadata: { description: `The ${name} ${type}` },
  componentManagementCommandsTemplate: {
    stats: { description: "How many tasks this instance answered" },
  },
  resources: { vcpus: 1, memoryMb: 512 },
  tags: [type],
});

const componentTs = (
  name: string,
  type: ComponentKind,
) => `import { defineComponent, InstanceError, unknownAction } from "${INSTANCE_SDK}";

/**
 * ${name}: a ${type} of AIOS. Each instance runs \`init\` once with the block's settings, then
 * answers tasks with \`infer\`; the block's health checker calls \`health\`, and \`aios mgmt\`
 * sends management commands.
 */
export default defineComponent({
  init(ctx) {
    return {
      served: 0,
      greeting: typeof ctx.parameters.greeting === "string" ? ctx.parameters.greeting : "hello",
    };
  },

  infer(input, { state }) {
    if (typeof input.text !== "string")
      throw new InstanceError(422, "input.text must be a string", {
        stage: "request",
        issues: [{ path: "text", message: "must be a string" }],
      });
    state.served++;
    return { reply: \`\${state.greeting}, \${input.text}\`, length: input.text.length };
  },

  health({ state }) {
    return { status: "healthy", served: state.served };
  },

  management(action, _data, { state }) {
    if (action === "stats") return { served: state.served };
    throw unknownAction(action, ["stats"]);
  },
});
`;

const indexTs = `// The instance's program: serves the component over the instance protocol (PORT, BLOCK_ID,
// INSTANCE_ID and AIOS_INIT_DATA come from the agent that runs it).
import { runComponent } from "${INSTANCE_SDK}";
import component from "./component";

runComponent(component);
`;

const testTs = `import assert from "node:assert/strict";
import { test } from "node:test";
import { testComponent } from "${INSTANCE_SDK}";
import component from "./component";

test("answers a task with its greeting", async () => {
  const instance = await testComponent(component, { parameters: { greeting: "hi" } });
  try {
    assert.deepEqual(await instance.infer({ text: "world" }), { reply: "hi, world", length: 5 });
    assert.deepEqual(await instance.management("stats"), { served: 1 });
  } finally {
    await instance.close();
  }
});

test("refuses a task without text, naming the field", async () => {
  const instance = await testComponent(component);
  try {
    await assert.rejects(instance.infer({ number: 1 }), /input.text must be a string/);
  } finally {
    await instance.close();
  }
});
`;

const readme = (name: string, type: ComponentKind) => `# ${name}

A ${type} component of AIOS.

- \`${COMPONENT_SPEC_FILE}\`: its spec (the values of \`registerComponent\`): its id, type,
  metadata, management commands and the resources one instance needs. \`runtime\` is set by push.
- \`component.ts\`: what an instance does (\`init\`, \`infer\`, \`health\`, \`management\`).
- \`index.ts\`: the program an agent runs (\`package.json\`'s \`main\`).
- \`component.test.ts\`: its tests, on \`node:test\` and the SDK's \`testComponent\`.
- \`block.json\`: a block of it (\`createBlock\`) on the cluster \`npm start\` makes.

\`${INSTANCE_SDK}\` is the platform's: it is not bundled, and every agent runs the component on its
own copy. Other dependencies go in this folder's \`node_modules\` (\`npm install\`) and are
bundled; native addons are refused.

## Test it

\`\`\`sh
aios component test .        # every *.test.ts, on the SDK the CLI ships (npm test runs this too)
\`\`\`

## Ship it

\`\`\`sh
aios component push .        # bundles, uploads by digest, registers ${type}.${name}:0.1.0-dev
\`\`\`

Pushing the same code again changes nothing. Versions are immutable: change the code, then raise
\`componentId.version\` in \`${COMPONENT_SPEC_FILE}\` before pushing again. The bundle pushed last is
kept in \`${BUNDLE_FILE}\`.

## Run it

\`\`\`sh
aios apply -f block.json     # block ${blockIdOf(name)} of ${type}.${name}:0.1.0-dev on cluster local
aios infer block ${blockIdOf(name)} --data '{"text":"world"}'
aios mgmt block ${blockIdOf(name)} --action stats
aios update block ${blockIdOf(name)} --component ${type}.${name}:0.2.0-dev   # after pushing 0.2.0
\`\`\`
`;

const packageJson = (name: string) => ({
  name: name.toLowerCase(),
  version: "0.1.0",
  private: true,
  type: "module",
  main: "index.ts",
  scripts: { test: "aios component test ." },
});

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ["*.ts"],
};

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** A block id from a component name: a DNS label. */
const blockIdOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63) || "block";

/** A block of the component on the cluster `npm start` makes (`local`), as `aios apply` takes it. */
const blockDoc = (name: string, type: ComponentKind) => ({
  header: { templateUri: "Parser/V1", action: "createBlock" },
  body: {
    spec: {
      values: {
        blockComponentURI: `${type}.${name}:0.1.0-dev`,
        blockId: blockIdOf(name),
        clusterId: "local",
        minInstances: 1,
        maxInstances: 2,
        parameters: { greeting: "hello" },
      },
    },
  },
});

/**
 * `aios component init DIR [--type model|tool] [--name NAME]`: a component project in DIR (new,
 * or empty): its spec, its code on the instance SDK, a README. The name is DIR's unless told.
 */
export function initComponent(
  dirArg: string,
  type: ComponentKind,
  nameArg: string | undefined,
  io: CliIo,
): number {
  const dir = resolve(dirArg);
  const name = nameArg ?? basename(dir);
  if (!COMPONENT_NAME_RE.test(name) || name.length > 128)
    throw new CliUsageError(
      `component init: ${JSON.stringify(name)} cannot be a component's name (letters, digits, '-' or '_', starting with a letter or digit): give --name`,
    );
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new CliUsageError(`component init: ${dir} is not empty; give a new or empty folder`);
  mkdirSync(dir, { recursive: true });
  const files: Array<[string, string]> = [
    [COMPONENT_SPEC_FILE, json(specOf(name, type))],
    ["component.ts", componentTs(name, type)],
    ["index.ts", indexTs],
    ["component.test.ts", testTs],
    ["package.json", json(packageJson(name))],
    ["tsconfig.json", json(tsconfig)],
    ["block.json", json(blockDoc(name, type))],
    ["README.md", readme(name, type)],
    [".gitignore", ".aios/\nnode_modules/\n"],
  ];
  for (const [file, text] of files) writeFileSync(join(dir, file), text, { flag: "wx" });
  io.out(`component ${type}.${name}:0.1.0-dev created in ${dir} (${files.map(([f]) => f).join(", ")})`);
  io.out(
    `next: aios component test ${dirArg} && aios component push ${dirArg} && aios apply -f ${join(dirArg, "block.json")}`,
  );
  return 0;
}
