import { z } from "zod";
import { oversizeSpecIssue, ZBoundedName } from "./limits";
import { ZTags } from "./specs/common";
import {
  DOTTED_NAME_RE,
  parseVersionedUri,
  RELEASE_TAG_HINT,
  RELEASE_TAG_RE,
  type TVersionedName,
  VERSION_HINT,
  VERSION_RE,
} from "./uri";

/**
 * The spec store (reference §4.7 and §6: the original's Spec store, `SpecStoreObject`): named, versioned spec documents, each
 * `<name>:<version>-<releaseTag>`, that `parser.applySpec` applies by URI (`specUri`). A version is
 * immutable: the same content again changes nothing, other content is a conflict.
 */

/** `<name>:<version>-<releaseTag>`, the shape of policy, vDAG and asset URIs. */
export const ZSpecUri = z.string().superRefine((value, ctx) => {
  const parsed = parseVersionedUri(value);
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error, input: value });
});
export const formatSpecUri = (s: TVersionedName): string => `${s.name}:${s.version}-${s.releaseTag}`;

const ZSizedObject = (field: string) =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const issue = oversizeSpecIssue(value, field);
    if (issue) ctx.addIssue({ code: "custom", message: issue.message, input: value });
  });

/** `specs.create`: the document is checked as the Parser would (a template's envelope only). */
export const ZSpecStoreCreateRequest = z.strictObject({
  name: ZBoundedName().regex(DOTTED_NAME_RE, {
    error: "must start with a letter or digit and contain only letters, digits, '.', '-' or '_'",
  }),
  version: z.string().regex(VERSION_RE, { error: `must be ${VERSION_HINT}` }),
  releaseTag: z.string().regex(RELEASE_TAG_RE, { error: `must be ${RELEASE_TAG_HINT}` }),
  description: z.string().max(2000).optional(),
  tags: ZTags.optional(),
  metadata: ZSizedObject("metadata").optional(),
  document: ZSizedObject("document"),
});
export type TSpecStoreCreateRequest = z.infer<typeof ZSpecStoreCreateRequest>;

export const ZSpecStoreRecord = z.strictObject({
  specURI: z.string(),
  name: z.string(),
  version: z.string(),
  releaseTag: z.string(),
  /** The document's `header.templateUri`: `Parser/V1`, or the template that expands it. */
  templateUri: z.string(),
  /** The document's `header.action` (a template's document may have none). */
  action: z.string().nullable(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  document: z.record(z.string(), z.unknown()),
  /** The API token that stored it; null in open mode. */
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type TSpecStoreRecord = z.infer<typeof ZSpecStoreRecord>;

/** `created: false`: the same URI was stored with the same content already (nothing changed). */
export const ZSpecStored = z.strictObject({ created: z.boolean(), spec: ZSpecStoreRecord });
export type TSpecStored = z.infer<typeof ZSpecStored>;
