import { parseSpecValues, type TSpecError } from "@aios/contracts";

/** The create-block form as typed (strings, as inputs hold them). */
export interface BlockForm {
  componentURI: string;
  blockId: string;
  /** "" lets the allocator choose. */
  clusterId: string;
  minInstances: string;
  maxInstances: string;
  /** A JSON object, or empty for the component's defaults. */
  parameters: string;
}

export type BlockField = keyof BlockForm;

export const EMPTY_BLOCK_FORM: BlockForm = {
  componentURI: "",
  blockId: "",
  clusterId: "",
  minInstances: "1",
  maxInstances: "1",
  parameters: "",
};

/** Where each createBlock value comes from in the form. */
const FIELD_OF_VALUE: Record<string, BlockField> = {
  blockComponentURI: "componentURI",
  blockId: "blockId",
  clusterId: "clusterId",
  minInstances: "minInstances",
  maxInstances: "maxInstances",
  parameters: "parameters",
};

const VALUES_PREFIX = "body.spec.values.";

/** The form field a Parser error is about (paths with or without the document prefix), if any. */
export function fieldOfPath(path: string): BlockField | undefined {
  const inValues = path.startsWith(VALUES_PREFIX) ? path.slice(VALUES_PREFIX.length) : path;
  const head = /^[^.[]+/.exec(inValues)?.[0];
  return head ? FIELD_OF_VALUE[head] : undefined;
}

export type FieldErrors = Partial<Record<BlockField, string>>;

/** Errors by field; what no field owns is joined under `general`. */
export function errorsByField(errors: readonly TSpecError[]): { fields: FieldErrors; general: string[] } {
  const fields: FieldErrors = {};
  const general: string[] = [];
  for (const e of errors) {
    const field = fieldOfPath(e.path);
    if (field) fields[field] ??= e.message;
    else general.push(e.path ? `${e.path}: ${e.message}` : e.message);
  }
  return { fields, general };
}

const number = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));

/**
 * The createBlock values the form describes, checked with the Parser's own schema (`@aios/contracts`),
 * so the form shows the API's messages before anything is sent.
 */
export function blockValuesOf(
  form: BlockForm,
): { ok: true; values: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const values: Record<string, unknown> = {
    blockComponentURI: form.componentURI,
    minInstances: number(form.minInstances),
    maxInstances: number(form.maxInstances),
  };
  if (form.blockId.trim()) values.blockId = form.blockId.trim();
  if (form.clusterId) values.clusterId = form.clusterId;
  const errors: FieldErrors = {};
  if (form.parameters.trim()) {
    try {
      values.parameters = JSON.parse(form.parameters);
    } catch (err) {
      errors.parameters = `not valid JSON: ${(err as Error).message}`;
    }
  }
  if (!form.componentURI) errors.componentURI = "choose a component";
  for (const key of ["minInstances", "maxInstances"] as const) {
    if (Number.isNaN(values[key])) errors[key] = "Required";
  }
  const parsed = parseSpecValues("createBlock", values);
  if (!parsed.ok) {
    const { fields } = errorsByField(parsed.errors);
    for (const [field, message] of Object.entries(fields) as [BlockField, string][])
      errors[field] ??= message;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}
