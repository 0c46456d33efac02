import type { monaco as Monaco } from "./setup";

type MonacoApi = typeof Monaco;

interface SchemaEntry {
  uri: string;
  fileMatch: string[];
  schema: unknown;
}

/**
 * JSON diagnostics are global in Monaco (one `jsonDefaults` for every model); each editor adds its
 * schema for its own model URI here and takes it back when it unmounts.
 */
const entries = new Map<string, SchemaEntry>();

function apply(monaco: MonacoApi) {
  monaco.json.jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    trailingCommas: "error",
    // Schemas are given inline; the machine is offline and nothing is fetched.
    enableSchemaRequest: false,
    schemaValidation: "error",
    schemaRequest: "ignore",
    schemas: [...entries.values()],
  });
}

/** Validates the model at `modelUri` against `schema` as the user types; returns the undo. */
export function registerJsonSchema(
  monaco: MonacoApi,
  modelUri: string,
  schemaUri: string,
  schema: unknown,
): () => void {
  // One entry per model: the schema id must be unique too, or the last registration wins.
  entries.set(modelUri, {
    uri: `${schemaUri}?model=${encodeURIComponent(modelUri)}`,
    fileMatch: [modelUri],
    schema,
  });
  apply(monaco);
  return () => {
    entries.delete(modelUri);
    apply(monaco);
  };
}
