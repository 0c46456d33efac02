import { createHash } from "node:crypto";
import {
  parseSpecValues,
  policyRuleUriOf,
  type TFilterQuery,
  type TPolicyRecord,
  type TPolicyRuleSpec,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { ConflictError, NotFoundError, UserError } from "../../errors";
import { asObject, sameDoc } from "../registry/doc";
import { inKeyOrder, type PageInput, searchKeys } from "../registry/search";
import type { PolicyRuntimeService } from "./policy-runtime.service";

type PolicyRow = Prisma.PolicyGetPayload<object>;

export function toPolicyRecord(row: PolicyRow): TPolicyRecord {
  return {
    policyRuleURI: row.policyRuleURI,
    name: row.name,
    version: row.version,
    releaseTag: row.releaseTag,
    kind: row.kind as TPolicyRecord["kind"],
    tags: row.tags,
    description: row.description,
    doc: asObject(row.doc),
    createdAt: row.createdAt.toISOString(),
  };
}

export interface PolicyVersionChanges {
  /** The version to start from. */
  policyRuleURI: string;
  version: string;
  releaseTag?: string | undefined;
  code?: string | undefined;
  description?: string | undefined;
  tags?: string[] | undefined;
  policySettings?: Record<string, unknown> | undefined;
  policyParameters?: Record<string, unknown> | undefined;
  policySettingsSchema?: Record<string, unknown> | undefined;
  policyParametersSchema?: Record<string, unknown> | undefined;
  managementCommandsSchema?: TPolicyRuleSpec["managementCommandsSchema"];
}

export function createPolicyService(db: Db, runtime: PolicyRuntimeService) {
  return {
    async list(page: PageInput & { kind?: string | undefined } = {}) {
      const rows = await db.policy.findMany({
        where: page.kind ? { kind: page.kind } : {},
        orderBy: { policyRuleURI: "asc" },
        take: page.limit ?? 100,
        skip: page.offset ?? 0,
      });
      return rows.map(toPolicyRecord);
    },

    async get(policyRuleURI: string) {
      const row = await db.policy.findUnique({ where: { policyRuleURI } });
      if (!row) throw new NotFoundError("policy", policyRuleURI);
      return toPolicyRecord(row);
    },

    async search(filter: TFilterQuery, page: PageInput = {}) {
      const keys = await searchKeys(db, "policies", filter, page);
      const rows = await db.policy.findMany({ where: { policyRuleURI: { in: keys } } });
      return inKeyOrder(keys, rows, (r) => r.policyRuleURI).map(toPolicyRecord);
    },

    /**
     * `createPolicy`: a policy version is immutable. The same spec again is a no-op; other content
     * under the same URI is a conflict. Its code is stored as revision 1 of its history.
     */
    async createFromSpec(values: TPolicyRuleSpec): Promise<{ created: boolean; policy: TPolicyRecord }> {
      if (values.code === undefined) {
        // The API does not read paths on its own disk; `aios apply` inlines codePath as code.
        throw UserError.field(
          "body.spec.values.codePath",
          "the API takes inline code; `aios apply` reads codePath for you",
        );
      }
      const code = values.code;
      const policyRuleURI = policyRuleUriOf(values);
      const compiled = await runtime.check(code, values.kind, {
        settings: values.policySettings ?? {},
        parameters: values.policyParameters ?? {},
      });
      const existing = await db.policy.findUnique({ where: { policyRuleURI } });
      if (existing) {
        if (sameDoc(existing.doc, values)) return { created: false, policy: toPolicyRecord(existing) };
        throw new ConflictError(
          `policy ${policyRuleURI} already exists with different content; versions are immutable, create a new version`,
        );
      }
      const row = await db.policy.create({
        data: {
          policyRuleURI,
          name: values.name,
          version: values.version,
          releaseTag: values.releaseTag,
          kind: values.kind,
          tags: values.tags ?? [],
          description: values.description ?? null,
          code,
          compiled: compiled.js,
          doc: values as Prisma.InputJsonValue,
          versions: {
            create: {
              revision: 1,
              code,
              compiled: compiled.js,
              codeSha256: createHash("sha256").update(code).digest("hex"),
            },
          },
        },
      });
      return { created: true, policy: toPolicyRecord(row) };
    },

    /** A new version of an existing policy: its spec with the given changes, under a new URI. */
    async createVersion(changes: PolicyVersionChanges) {
      const base = await db.policy.findUnique({ where: { policyRuleURI: changes.policyRuleURI } });
      if (!base) throw new NotFoundError("policy", changes.policyRuleURI, "policyRuleURI");
      const { policyRuleURI: _from, ...rest } = changes;
      const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      const parsed = parseSpecValues("createPolicy", { ...asObject(base.doc), ...defined });
      if (!parsed.ok)
        throw new UserError(
          `invalid new version: ${parsed.errors[0]?.path}: ${parsed.errors[0]?.message}`,
          parsed.errors,
        );
      return this.createFromSpec(parsed.data);
    },

    /** Every version of a policy name, newest first. */
    async versions(name: string) {
      const rows = await db.policy.findMany({ where: { name }, orderBy: { createdAt: "desc" } });
      return rows.map(toPolicyRecord);
    },
  };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
