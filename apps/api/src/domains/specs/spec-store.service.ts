import {
  formatSpecUri,
  isTemplatedDocument,
  parseSpecDocument,
  parseTemplatedDocument,
  type TSpecError,
  type TSpecStoreCreateRequest,
  type TSpecStored,
  type TSpecStoreRecord,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { ConflictError, NotFoundError, UserError } from "../../errors";
import { requireTemplate } from "../parser/template-expansion";
import { sameDoc } from "../registry/doc";
import { createSpecStoreRegistry, type StoredSpecRow, toSpecStoreRecord } from "./spec-store.registry";

const underDocument = (errors: TSpecError[]): TSpecError[] =>
  errors.map((e) => ({ ...e, path: e.path ? `document.${e.path}` : "document" }));

/**
 * What a stored spec's document is: a `Parser/V1` document valid for its action, or one for a
 * template whose envelope is valid and whose template is registered (the template runs when the
 * spec is applied or expanded, not when it is stored).
 */
async function checkDocument(db: Db, document: Record<string, unknown>) {
  if (isTemplatedDocument(document)) {
    const parsed = parseTemplatedDocument(document);
    if (!parsed.ok) throw UserError.fromIssues(underDocument(parsed.errors), "invalid spec document");
    const { templateUri, action } = parsed.document.header;
    await requireTemplate(db, templateUri, "document.header.templateUri");
    return { templateUri, action: action ?? null };
  }
  const parsed = parseSpecDocument(document);
  if (!parsed.ok) throw UserError.fromIssues(underDocument(parsed.errors), "invalid spec document");
  return { templateUri: parsed.document.header.templateUri, action: parsed.action };
}

/** The content a version is compared on: two puts of the same content are one. */
const contentOf = (s: {
  description: string | null;
  tags: string[];
  metadata: unknown;
  document: unknown;
}) => ({ description: s.description, tags: s.tags, metadata: s.metadata, document: s.document });

function again(existing: StoredSpecRow, input: TSpecStoreCreateRequest): TSpecStored {
  const given = contentOf({
    description: input.description ?? null,
    tags: input.tags ?? [],
    metadata: input.metadata ?? {},
    document: input.document,
  });
  if (sameDoc(contentOf(existing), given)) return { created: false, spec: toSpecStoreRecord(existing) };
  throw new ConflictError(
    `spec ${existing.specURI} is already stored with different content; versions are immutable, store a new version`,
  );
}

/**
 * The spec store: named, versioned spec documents (`<name>:<version>-<releaseTag>`) that
 * `parser.applySpec` applies by URI. A version is immutable; removing one frees its URI.
 */
export function createSpecStore(db: Db) {
  return {
    ...createSpecStoreRegistry(db),

    /** Stores a spec; `createdBy` is the caller's token id (null in open mode). */
    async create(input: TSpecStoreCreateRequest, createdBy: string | null): Promise<TSpecStored> {
      const specURI = formatSpecUri(input);
      const existing = await db.storedSpec.findUnique({ where: { specURI } });
      if (existing) return again(existing, input);
      const { templateUri, action } = await checkDocument(db, input.document);
      try {
        const row = await db.storedSpec.create({
          data: {
            specURI,
            name: input.name,
            version: input.version,
            releaseTag: input.releaseTag,
            templateUri,
            action,
            description: input.description ?? null,
            tags: input.tags ?? [],
            metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
            document: input.document as Prisma.InputJsonValue,
            createdBy,
          },
        });
        return { created: true, spec: toSpecStoreRecord(row) };
      } catch (err) {
        // Stored meanwhile by another call: the same answer as if it had come first.
        const now =
          (err as { code?: string }).code === "P2002"
            ? await db.storedSpec.findUnique({ where: { specURI } })
            : null;
        if (now) return again(now, input);
        throw err;
      }
    },

    /** The document of a stored spec, for the Parser; `field` names where the caller gave the URI. */
    async documentOf(specURI: string, field = "specUri"): Promise<Record<string, unknown>> {
      const row = await db.storedSpec.findUnique({ where: { specURI }, select: { document: true } });
      if (!row) throw new NotFoundError("spec", specURI, field);
      return row.document as Record<string, unknown>;
    },

    /** Removes a version: what was applied from it stays; its URI may be stored again. */
    async remove(specURI: string): Promise<TSpecStoreRecord> {
      const row = await db.storedSpec.findUnique({ where: { specURI } });
      const { count } = row ? await db.storedSpec.deleteMany({ where: { specURI } }) : { count: 0 };
      if (!row || count === 0) throw new NotFoundError("spec", specURI, "specURI");
      return toSpecStoreRecord(row);
    },
  };
}

export type SpecStore = ReturnType<typeof createSpecStore>;
