import { ZContainerRegistryId, ZContainerRegistryUrl } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";

export const CONTAINER_REGISTRY_USAGE = `  aios container-registry add ID --url HOST[:PORT] [--username U --password-env VAR | --password-stdin]
                                          register a container registry (admin) that components
                                          name by containerRegistryId; the password or token is
                                          read from the variable VAR or from stdin, never from
                                          the command line, and kept encrypted
  aios container-registry set ID [--url U] [--username U --password-env VAR | --password-stdin] [--anonymous]
                                          change its address or credentials (--anonymous: none)
  aios container-registry remove ID       remove one no component names`;

export interface PasswordSource {
  /** The whole of stdin, for --password-stdin. */
  readStdin(): Promise<string>;
}

const stdinSource: PasswordSource = {
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

function idOf(command: string, positionals: string[]): string {
  const [id, ...extra] = positionals;
  if (!id) throw new CliUsageError(`container-registry ${command} needs the registry's ID`);
  noMore(`container-registry ${command}`, extra);
  const parsed = ZContainerRegistryId.safeParse(id);
  if (!parsed.success)
    throw new CliUsageError(
      `container-registry ${command} ID ${JSON.stringify(id)} ${parsed.error.issues[0]?.message}`,
    );
  return id;
}

function urlOf(command: string, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const parsed = ZContainerRegistryUrl.safeParse(url);
  if (!parsed.success)
    throw new CliUsageError(`container-registry ${command} --url ${parsed.error.issues[0]?.message}`);
  return url;
}

/** The credentials the flags give: username with a password from a variable or stdin, or none. */
async function credentialsOf(
  command: string,
  values: {
    username?: string | undefined;
    "password-env"?: string | undefined;
    "password-stdin"?: boolean | undefined;
  },
  io: CliIo,
  source: PasswordSource,
): Promise<{ username: string; password: string } | undefined> {
  const fromEnv = values["password-env"];
  const fromStdin = values["password-stdin"] === true;
  if (fromEnv !== undefined && fromStdin)
    throw new CliUsageError(
      `container-registry ${command}: give --password-env or --password-stdin, not both`,
    );
  const hasPassword = fromEnv !== undefined || fromStdin;
  if (values.username === undefined && !hasPassword) return undefined;
  if (values.username === undefined)
    throw new CliUsageError(`container-registry ${command} needs --username with its password`);
  if (!hasPassword)
    throw new CliUsageError(
      `container-registry ${command} --username needs its password: --password-env VAR or --password-stdin`,
    );
  let password: string;
  if (fromEnv !== undefined) {
    const value = io.env[fromEnv];
    if (!value)
      throw new CliUsageError(`container-registry ${command} --password-env: ${fromEnv} is not set or empty`);
    password = value;
  } else {
    password = (await source.readStdin()).replace(/\r?\n$/, "");
    if (!password) throw new CliUsageError(`container-registry ${command} --password-stdin: stdin was empty`);
  }
  return { username: values.username, password };
}

const OPTIONS = {
  url: { type: "string" },
  username: { type: "string" },
  "password-env": { type: "string" },
  "password-stdin": { type: "boolean" },
} as const;

export async function containerRegistryCommand(
  api: ApiClient,
  args: string[],
  io: CliIo,
  source: PasswordSource = stdinSource,
): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "add": {
      const { values, positionals } = parseOrRefuse("container-registry add", rest, OPTIONS);
      const containerRegistryId = idOf("add", positionals);
      const url = urlOf("add", values.url);
      if (!url) throw new CliUsageError("container-registry add needs --url (the registry's host[:port])");
      const credentials = await credentialsOf("add", values, io, source);
      const r = await api.containerRegistries.create.mutate({ containerRegistryId, url, ...credentials });
      const how = r.containerRegistry.hasCredentials ? `as ${r.containerRegistry.username}` : "anonymous";
      io.out(
        `container registry ${containerRegistryId} ${r.created ? "added" : "unchanged"} (${r.containerRegistry.server}, ${how})`,
      );
      return 0;
    }
    case "set": {
      const { values, positionals } = parseOrRefuse("container-registry set", rest, {
        ...OPTIONS,
        anonymous: { type: "boolean" },
      });
      const containerRegistryId = idOf("set", positionals);
      const credentials = await credentialsOf("set", values, io, source);
      if (credentials && values.anonymous)
        throw new CliUsageError("container-registry set: give credentials or --anonymous, not both");
      const url = urlOf("set", values.url);
      if (!url && !credentials && !values.anonymous)
        throw new CliUsageError(
          "container-registry set needs something to change: --url, credentials or --anonymous",
        );
      const r = await api.containerRegistries.update.mutate({
        containerRegistryId,
        ...(url ? { url } : {}),
        ...(credentials ? { credentials } : values.anonymous ? { credentials: null } : {}),
      });
      io.out(
        `container registry ${containerRegistryId} changed (${r.server}, ${r.hasCredentials ? `as ${r.username}` : "anonymous"})`,
      );
      return 0;
    }
    case "remove": {
      const { positionals } = parseOrRefuse("container-registry remove", rest, {});
      const containerRegistryId = idOf("remove", positionals);
      const r = await api.containerRegistries.remove.mutate({ containerRegistryId });
      io.out(`container registry ${containerRegistryId} ${r.removed ? "removed" : "was not registered"}`);
      return 0;
    }
    default:
      throw new CliUsageError(
        `unknown container-registry command ${JSON.stringify(sub ?? "")}: add, set or remove`,
      );
  }
}
