import {
  PARSER_TEMPLATE_URI,
  parseVersionedUri,
  type TSpecStoreRecord,
  ZFilterQuery,
  ZTags,
} from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { loadFiles } from "./apply";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { jsonValue, objectValue, print } from "./values";

export const SPECS_USAGE = `  aios specs put NAME:VERSION-TAG -f FILE [--description D] [--tags a,b] [--metadata JSON]
                                          store the file's one spec document in the spec store
                                          (the same again: unchanged; other content: a conflict)
  aios specs list [--filter JSON] [-o table|json]
                                          the stored specs (filter on specURI, name, templateUri,
                                          action, tags, document.header.action, ...)
  aios specs get URI [--document]         a stored spec as JSON (--document: its document only)
  aios specs remove URI                   remove a stored version
  aios apply --spec-uri URI               apply a stored spec (aios expand --spec-uri shows it)`;

/** What applying it does: its action, or the template that expands it. */
const doesOf = (s: TSpecStoreRecord) =>
  s.templateUri === PARSER_TEMPLATE_URI ? (s.action ?? "-") : `template ${s.templateUri}`;

const COLUMNS: Record<string, (s: TSpecStoreRecord) => unknown> = {
  SPEC: (s) => s.specURI,
  DOES: doesOf,
  DESCRIPTION: (s) => s.description,
  TAGS: (s) => s.tags.join(","),
  CREATED: (s) => s.createdAt.slice(0, 19).replace("T", " "),
};

/** The spec's URI, checked, with its parts. */
function specOf(command: string, positionals: string[]) {
  const [uri, ...extra] = positionals;
  if (!uri) throw new CliUsageError(`${command} needs the spec's URI (NAME:VERSION-TAG; aios specs list)`);
  noMore(command, extra);
  const parsed = parseVersionedUri(uri);
  if (!parsed.ok) throw new CliUsageError(`${command} URI: ${parsed.error}`);
  return { specURI: uri, ...parsed.value };
}

/** The one document of `file`: a spec is one document, so a file holding several is refused. */
function oneDocument(file: string | undefined): Record<string, unknown> {
  if (!file) throw new CliUsageError("specs put needs -f FILE (the spec document to store)");
  const docs = loadFiles([file]);
  if (docs.length !== 1)
    throw new CliUsageError(`specs put: ${file} holds ${docs.length} documents; a spec is one document`);
  const document = docs[0]?.document;
  if (typeof document !== "object" || document === null || Array.isArray(document))
    throw new CliUsageError(`specs put: ${file} does not hold a JSON object`);
  return document as Record<string, unknown>;
}

async function put(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrRefuse("specs put", args, {
    file: { type: "string", short: "f" },
    description: { type: "string" },
    tags: { type: "string" },
    metadata: { type: "string" },
  });
  const { name, version, releaseTag } = specOf("specs put", positionals);
  const tags =
    values.tags === undefined ? undefined : ZTags.safeParse(values.tags.split(",").map((t) => t.trim()));
  if (tags && !tags.success) throw new CliUsageError(`specs put --tags: ${tags.error.issues[0]?.message}`);
  const r = await api.specs.create.mutate({
    name,
    version,
    releaseTag,
    document: oneDocument(values.file),
    ...(values.description !== undefined ? { description: values.description } : {}),
    ...(tags ? { tags: tags.data } : {}),
    ...(values.metadata !== undefined ? { metadata: objectValue("--metadata", values.metadata) } : {}),
  });
  io.out(`spec ${r.spec.specURI} ${r.created ? "stored" : "unchanged"} (${doesOf(r.spec)})`);
  return 0;
}

/** The spec store (`specs.*`), and applying from it (`aios apply --spec-uri`). */
export async function specsCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "put":
      return put(api, rest, io);
    case "list": {
      const { values, positionals } = parseOrRefuse("specs list", rest, {
        filter: { type: "string" },
        output: { type: "string", short: "o" },
      });
      noMore("specs list", positionals);
      const output = values.output ?? "table";
      if (output !== "table" && output !== "json")
        throw new CliUsageError(`specs list: -o must be table or json, got ${JSON.stringify(output)}`);
      let rows: TSpecStoreRecord[];
      if (values.filter !== undefined) {
        const filter = ZFilterQuery.safeParse(jsonValue("--filter", values.filter));
        if (!filter.success)
          throw new CliUsageError(`specs list --filter: ${filter.error.issues[0]?.message}`);
        rows = await api.specs.search.query({ filter: filter.data, limit: 1000 });
      } else rows = await api.specs.list.query({ limit: 1000 });
      if (output === "json") print(io.out, rows);
      else io.out(renderTable(COLUMNS, rows));
      return 0;
    }
    case "get": {
      const { values, positionals } = parseOrRefuse("specs get", rest, { document: { type: "boolean" } });
      const spec = await api.specs.get.query({ specURI: specOf("specs get", positionals).specURI });
      print(io.out, values.document ? spec.document : spec);
      return 0;
    }
    case "remove": {
      const { positionals } = parseOrRefuse("specs remove", rest, {});
      const spec = await api.specs.remove.mutate({ specURI: specOf("specs remove", positionals).specURI });
      io.out(`spec ${spec.specURI} removed`);
      return 0;
    }
    default:
      throw new CliUsageError(`unknown specs command ${JSON.stringify(sub ?? "")}: put, list, get or remove`);
  }
}
