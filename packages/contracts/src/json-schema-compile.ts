/**
 * Policy schemas compiled by Ajv (draft 2020-12), once per distinct schema: validation runs on
 * every execute, dry run and job, compiling does not. Cached by the schema's JSON text (schemas
 * come out of the database as new objects each time), at most MAX_CACHED at once.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import { isObject, SUBSCHEMA_KEYWORDS } from "./json-schema-values";

const MAX_CACHED = 256;

export interface TCompiledSchema {
  /** The copy Ajv compiled: errors' `parentSchema` are objects within it. */
  readonly root: object;
  readonly validate: ValidateFunction;
  /** The validator of `node[keyword][index]`, a subschema of `root` (its `$ref`s resolve in `root`). */
  branch(node: unknown, keyword: string, index: number): ValidateFunction | undefined;
}

function newAjv(): Ajv2020 {
  return new Ajv2020({
    allErrors: true,
    verbose: true, // errors carry `data` and `parentSchema`: the words of a message need them
    // Unknown keywords are ignored here, as JSON Schema does, so a schema stored before they were
    // refused still validates; checkJsonSchema refuses them when a schema is stored.
    strictSchema: false,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    strictNumbers: true,
    validateFormats: false, // `format` is an annotation
    validateSchema: false, // checkJsonSchema checks schemas, with messages naming the field
    multipleOfPrecision: 9, // 0.3 is a multiple of 0.1
    logger: false,
  });
}

let ajv = newAjv();
let compiled = new Map<string, TCompiledSchema | Error>();
let serial = 0;

/** The compiled schema; throws what compiling threw (an unresolvable `$ref`, a bad pattern). */
export function compileJsonSchema(schema: object): TCompiledSchema {
  const text = JSON.stringify(schema);
  let entry = compiled.get(text);
  if (entry === undefined) {
    if (compiled.size >= MAX_CACHED) {
      // A fresh Ajv drops its compiled functions too; entries already handed out keep working.
      ajv = newAjv();
      compiled = new Map();
    }
    entry = compile(ajv, JSON.parse(text) as object);
    compiled.set(text, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

function compile(owner: Ajv2020, root: object): TCompiledSchema | Error {
  const key = `aios-schema-${++serial}`;
  // `$id` would move where references resolve (and two policies may share one): they resolve in root.
  eachSubschema(root, (s) => delete s.$id);
  try {
    owner.addSchema(root, key);
    const validate = owner.getSchema(key);
    if (!validate) throw new Error("the schema could not be compiled");
    let pointers: Map<unknown, string> | undefined;
    const branches = new Map<string, ValidateFunction | undefined>();
    return {
      root,
      validate,
      branch(node, keyword, index) {
        pointers ??= pointersOf(root);
        const at = pointers.get(node);
        if (at === undefined) return undefined;
        const ref = `${key}#${at}/${keyword}/${index}`;
        if (!branches.has(ref)) {
          try {
            branches.set(ref, owner.getSchema(ref));
          } catch {
            branches.set(ref, undefined);
          }
        }
        return branches.get(ref);
      },
    };
  } catch (err) {
    try {
      owner.removeSchema(key);
    } catch {} // what is left of it is dropped with this Ajv
    const message = err instanceof Error ? err.message : String(err);
    return new Error(message.replaceAll(` from id ${key}`, "").replaceAll(key, ""));
  }
}

/** The JSON pointer (as a URI fragment) of every subschema object of `root`. */
function pointersOf(root: unknown): Map<unknown, string> {
  const out = new Map<unknown, string>();
  eachSubschema(root, (s, at) => out.set(s, at));
  return out;
}

/** Visits `root` and its subschemas (objects), each once, with its pointer. */
function eachSubschema(root: unknown, visit: (s: Record<string, unknown>, at: string) => void): void {
  const seen = new Set<unknown>();
  const walk = (s: unknown, at: string) => {
    if (!isObject(s) || seen.has(s)) return;
    seen.add(s);
    visit(s, at);
    for (const key of SUBSCHEMA_KEYWORDS.maps) {
      const map = s[key];
      if (isObject(map))
        for (const [name, sub] of Object.entries(map)) walk(sub, `${at}/${key}/${segment(name)}`);
    }
    for (const key of SUBSCHEMA_KEYWORDS.lists) {
      const list = s[key];
      if (Array.isArray(list)) for (const [i, sub] of list.entries()) walk(sub, `${at}/${key}/${i}`);
    }
    for (const key of SUBSCHEMA_KEYWORDS.single) walk(s[key], `${at}/${key}`);
  };
  walk(root, "");
}

const segment = (name: string) => encodeURIComponent(name.replaceAll("~", "~0").replaceAll("/", "~1"));
