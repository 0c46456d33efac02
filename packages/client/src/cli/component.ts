import type { ApiClient } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import type { DataPlaneAccess } from "./asset";
import { COMPONENT_TYPES, type ComponentKind, initComponent } from "./component-init";
import { pushComponent } from "./component-push";
import { testComponentProject } from "./component-test";
import { type CliIo, CliUsageError } from "./io";

export const COMPONENT_USAGE = `  aios component init DIR [--type model|tool] [--name NAME]
                                          a component project in DIR (new or empty): its spec,
                                          its code on @aios/instance-sdk, a test, a README
  aios component test DIR                 run the project's *.test.ts (node:test) on the SDK the
                                          CLI ships
  aios component push DIR                 bundle the project's code (its node_modules included,
                                          native addons refused), upload it to the assets
                                          registry by digest and register the component; the
                                          same code again changes nothing`;

export async function componentCommand(api: ApiClient, plane: DataPlaneAccess, args: string[], io: CliIo) {
  const [sub, ...rest] = args;
  switch (sub) {
    case "init": {
      const { values, positionals } = parseOrRefuse("component init", rest, {
        type: { type: "string" },
        name: { type: "string" },
      });
      const [dir, ...extra] = positionals;
      if (!dir) throw new CliUsageError("component init needs the project's folder (DIR)");
      noMore("component init", extra);
      const type = values.type ?? "model";
      if (!(COMPONENT_TYPES as readonly string[]).includes(type))
        throw new CliUsageError(
          `component init --type must be ${COMPONENT_TYPES.join(" or ")}, got ${JSON.stringify(type)}`,
        );
      return initComponent(dir, type as ComponentKind, values.name, io);
    }
    case "test": {
      const { positionals } = parseOrRefuse("component test", rest, {});
      const [dir, ...extra] = positionals;
      if (!dir) throw new CliUsageError("component test needs the project's folder (DIR)");
      noMore("component test", extra);
      return testComponentProject(dir, io);
    }
    case "push": {
      const { positionals } = parseOrRefuse("component push", rest, {});
      const [dir, ...extra] = positionals;
      if (!dir) throw new CliUsageError("component push needs the project's folder (DIR)");
      noMore("component push", extra);
      return pushComponent(api, plane, dir, io);
    }
    default:
      throw new CliUsageError(`unknown component command ${JSON.stringify(sub ?? "")}: init, test or push`);
  }
}
