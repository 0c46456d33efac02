import {
  parseSpecDocument,
  parseTemplatedDocument,
  type TParsedSpec,
  type TPolicyCallResult,
  type TPolicyErrorInfo,
  type TPolicyLogEntry,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import { NotFoundError, UserError } from "../../errors";
import { checkPolicyValues } from "../policies/policy-contract";
import { storedPolicy } from "../policies/policy-record";

/** What a template made of a document: `Parser/V1` documents, each validated, in the order to apply them. */
export interface TemplateExpansion {
  templateUri: string;
  documents: TParsedSpec[];
  /** What the template logged while it ran. */
  logs: TPolicyLogEntry[];
}

export interface TemplateExpanderDeps {
  db: Db;
  /** The central executor (execution type 2): the template runs in the policy sandbox. */
  execute(
    policyRuleURI: string,
    input: unknown,
    overrides: { parameters?: object },
  ): Promise<TPolicyCallResult>;
}

/**
 * Refuses a URI that names no policy, or a policy of another kind. `field` is where the caller
 * named it (`header.templateUri`, `document.header.templateUri`).
 */
export async function requireTemplate(db: Db, templateUri: string, field: string): Promise<void> {
  const row = await storedPolicy(db, templateUri);
  if (!row) throw new NotFoundError("template", templateUri, field);
  if (row.kind !== "template") {
    throw UserError.field(
      field,
      `${templateUri} is a ${row.kind} policy, not a template (a policy of kind "template")`,
    );
  }
}

/** A template that did not answer with documents: its own fault, named with its URI. */
function failure(templateUri: string, error: TPolicyErrorInfo | undefined): UserError {
  if (error?.kind === "invalid_output" && error.issues && error.issues.length > 0) {
    const issues = error.issues.map((i) => ({ path: i.path, message: i.message }));
    return UserError.fromIssues(issues, `template ${templateUri} returned an invalid expansion`);
  }
  const at = error?.line !== undefined ? `, line ${error.line}` : "";
  return UserError.field(
    "header.templateUri",
    `template ${templateUri} failed (${error?.kind ?? "error"}${at}): ${error?.message ?? "unknown error"}`,
  );
}

/**
 * The Parser's templates: a document whose `header.templateUri` names a `template` policy is
 * handed to it (with the header's parameters, checked against the policy's schema), and what it
 * returns is validated as `Parser/V1` documents (the kind's output schema is the Parser's own, so
 * a bad field is named `output.documents[1].body.spec.values.minInstances`). Templates do not nest:
 * a returned document naming another template is refused the same way. Nothing is applied here.
 */
export function createTemplateExpander(deps: TemplateExpanderDeps) {
  const { db } = deps;
  return {
    async expand(document: unknown): Promise<TemplateExpansion> {
      const envelope = parseTemplatedDocument(document);
      if (!envelope.ok) throw UserError.fromIssues(envelope.errors, "invalid spec document");
      const templated = envelope.document;
      const templateUri = templated.header.templateUri;
      await requireTemplate(db, templateUri, "header.templateUri");
      const parameters = templated.header.parameters ?? {};
      await checkPolicyValues(
        db,
        templateUri,
        { parameters },
        { settings: "header.settings", parameters: "header.parameters" },
        "header.templateUri",
      );
      const r = await deps.execute(
        templateUri,
        { templateUri, document: templated, parameters },
        { parameters },
      );
      if (!r.ok) throw failure(templateUri, r.error);
      const output = r.output as { documents: unknown[] };
      // The sandbox checked the output against the kind already; the Parser parses each once more
      // for the typed values it dispatches on (and so that nothing unchecked is ever applied).
      const documents = output.documents.map((d, i) => {
        const parsed = parseSpecDocument(d);
        if (parsed.ok) return parsed;
        const issues = parsed.errors.map((e) => ({
          path: `output.documents[${i}]${e.path ? `.${e.path}` : ""}`,
          message: e.message,
        }));
        throw UserError.fromIssues(issues, `template ${templateUri} returned an invalid expansion`);
      });
      return { templateUri, documents, logs: r.logs };
    },
  };
}

export type TemplateExpander = ReturnType<typeof createTemplateExpander>;
