import { z } from "zod";
import { PARSER_TEMPLATE_URI } from "../envelope";
import { specErrorMap } from "../errors";
import { oversizeSpecIssue } from "../limits";
import { SPEC_VALUE_SCHEMAS, ZSpecAction } from "../specs/by-action";
import { ZJsonObject } from "../specs/common";
import { TEMPLATE_IMPORT, type TPolicyKindEntry } from "./common";

/**
 * The Parser's templates (reference §2.1, §3.3 "template parser"): a document whose
 * `header.templateUri` names a `template` policy is handed to it, and what it returns are the
 * `Parser/V1` documents the Parser validates and applies, in order.
 */

/** The most documents one expansion may return. */
export const MAX_TEMPLATE_DOCUMENTS = 64;

export const ZTemplateInput = z.looseObject({
  /** The template's own URI, as the document's header named it. */
  templateUri: z.string(),
  /** The whole document as submitted: its header and its body, in the template's own format. */
  document: z.looseObject({ header: ZJsonObject, body: ZJsonObject }),
  /** The header's `parameters` (`{}` when none); `ctx.parameters` has them over the template's defaults. */
  parameters: ZJsonObject,
});

/**
 * A document a template returns: a `Parser/V1` document checked with the Parser's own schema of
 * its action, so an error names the field (`output.documents[1].body.spec.values.minInstances`).
 * Templates do not nest: a document naming another template is refused.
 */
export const ZExpandedDocument = z
  .strictObject({
    header: z.strictObject({
      templateUri: z.literal(PARSER_TEMPLATE_URI, {
        error: (iss) =>
          iss.input === undefined
            ? "Required"
            : `templates do not nest: a template returns "${PARSER_TEMPLATE_URI}" documents, got ${JSON.stringify(iss.input)}`,
      }),
      action: ZSpecAction,
      parameters: ZJsonObject.optional(),
    }),
    body: z.strictObject({ spec: z.strictObject({ values: ZJsonObject }) }),
  })
  .superRefine((doc, ctx) => {
    const oversize = oversizeSpecIssue(doc, "");
    if (oversize) {
      ctx.addIssue({ code: "custom", message: oversize.message, input: doc });
      return;
    }
    const values = SPEC_VALUE_SCHEMAS[doc.header.action].safeParse(doc.body.spec.values, {
      error: specErrorMap,
      reportInput: true,
    });
    if (values.success) return;
    // The action's own issues, moved under the document (unions and unknown keys stay as zod made them).
    for (const issue of values.error.issues) {
      ctx.addIssue({ ...issue, path: ["body", "spec", "values", ...issue.path] } as Parameters<
        typeof ctx.addIssue
      >[0]);
    }
  });

export const ZTemplateOutput = z.strictObject({
  /** Applied in this order: put what others refer to (components, blocks) first. */
  documents: z.array(ZExpandedDocument).min(1).max(MAX_TEMPLATE_DOCUMENTS),
});

export const TEMPLATE = {
  input: ZTemplateInput,
  output: ZTemplateOutput,
  description:
    "Run by the Parser when a document's header names it as templateUri: turns the document, in the template's own format, and the header's parameters into Parser/V1 documents that the Parser then validates and applies in order.",
  template: `${TEMPLATE_IMPORT}

// template: a short document of your own format -> Parser/V1 documents.
// Here {"name": "echo-1", "component": "model.echo:1.0.0-stable", "replicas": 2} becomes a block.
export default definePolicy({
  kind: "template",
  eval(input, { parameters }) {
    const body = input.document.body;
    const name = typeof body.name === "string" ? body.name : "my-block";
    const replicas = typeof body.replicas === "number" ? body.replicas : 1;
    const values: Record<string, unknown> = {
      blockId: name,
      blockComponentURI: typeof body.component === "string" ? body.component : "model.echo:1.0.0-stable",
      minInstances: replicas,
      maxInstances: replicas,
    };
    if (typeof parameters.clusterId === "string") values.clusterId = parameters.clusterId;
    return {
      documents: [{ header: { templateUri: "Parser/V1", action: "createBlock" }, body: { spec: { values } } }],
    };
  },
});
`,
} satisfies TPolicyKindEntry;
