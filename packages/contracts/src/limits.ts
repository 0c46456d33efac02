import { z } from "zod";

/**
 * Sizes past which a spec is refused, each named in its refusal so a caller knows which limit it
 * met. They keep one document from filling the registry (and every list that shows it) and keep
 * every stored name and tag inside PostgreSQL's index rows.
 */
/** A name (a component's, a policy's, a vDAG's, a region's): a DNS name's length. */
export const MAX_NAME_LENGTH = 253;
/** One tag, and how many tags one spec may carry. */
export const MAX_TAG_LENGTH = 128;
export const MAX_TAGS = 64;
/** A vDAG's nodes, and the connections of its graph. */
export const MAX_VDAG_NODES = 256;
export const MAX_VDAG_CONNECTIONS = 1024;
/** A policy's TypeScript source, in UTF-8 bytes (1 MiB). */
export const MAX_POLICY_SOURCE_BYTES = 2 ** 20;
/**
 * A whole spec document as JSON, in UTF-8 bytes (2 MiB: room for a policy's largest source). The
 * registries answer documents in pages, so this bounds a page too.
 */
export const MAX_SPEC_DOCUMENT_BYTES = 2 * 2 ** 20;

/**
 * A page of a list or search: `limit` rows from `offset` (DEFAULT_PAGE_LIMIT when not given, at
 * most MAX_PAGE_LIMIT); a page shorter than its limit is the last.
 */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/**
 * A search with a ranking policy hands it at most this many matches (the first in the registry's
 * key order; its input says `truncated` when more matched), and the page is cut from what it
 * returns: a search over a big registry never ships a whole table into the sandbox.
 */
export const MAX_RANKING_ROWS = 500;

/** The rows a console list page shows; it asks for one more to know whether a next page exists. */
export const LIST_PAGE_SIZE = 50;

/** "must have at most 253 characters (MAX_NAME_LENGTH)": the bound and the constant that sets it. */
export const atMost = (n: number, unit: string, constant: string) =>
  `must have at most ${n} ${unit} (${constant})`;

/** A string of at most MAX_NAME_LENGTH characters (then the caller's own pattern). */
export const ZBoundedName = () =>
  z.string().max(MAX_NAME_LENGTH, { error: atMost(MAX_NAME_LENGTH, "characters", "MAX_NAME_LENGTH") });

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** Why a spec document (or its values) is too large to keep, or undefined when it fits. */
export function oversizeSpecIssue(
  value: unknown,
  path: string,
): { path: string; message: string } | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined; // not JSON at all: the schema says what is wrong with it
  }
  if (text === undefined || text.length <= MAX_SPEC_DOCUMENT_BYTES / 3) return undefined;
  const bytes = utf8Bytes(text);
  if (bytes <= MAX_SPEC_DOCUMENT_BYTES) return undefined;
  return {
    path,
    message: `is ${bytes} bytes of JSON; ${atMost(MAX_SPEC_DOCUMENT_BYTES, "bytes", "MAX_SPEC_DOCUMENT_BYTES")}`,
  };
}

/** A policy's source (`base`: how the field reads it) held to MAX_POLICY_SOURCE_BYTES of UTF-8. */
export const withSourceLimit = (base: z.ZodString) =>
  base.refine(
    (code) => code.length <= MAX_POLICY_SOURCE_BYTES / 3 || utf8Bytes(code) <= MAX_POLICY_SOURCE_BYTES,
    {
      error: (iss) =>
        `is ${utf8Bytes(String(iss.input))} bytes; ${atMost(MAX_POLICY_SOURCE_BYTES, "bytes", "MAX_POLICY_SOURCE_BYTES")}`,
    },
  );
