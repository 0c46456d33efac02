import { z } from "zod";

/**
 * The tensor datatypes of the Open Inference Protocol v2 (KServe "predict v2", Triton). A component
 * names one per field of its input and output protocols (`datatype`) when the default derived from
 * the field's `type` is not what its clients send (`@aios/inference-protocol`).
 */
export const TENSOR_DATATYPES = [
  "BOOL",
  "UINT8",
  "UINT16",
  "UINT32",
  "UINT64",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "FP16",
  "FP32",
  "FP64",
  "BYTES",
] as const;
export type TTensorDatatype = (typeof TENSOR_DATATYPES)[number];
export const ZTensorDatatype = z.enum(TENSOR_DATATYPES);

/** The most dimensions a declared or sent tensor may have. */
export const MAX_TENSOR_RANK = 8;

/** A tensor's shape as declared: each dimension a size, or -1 for "any size". */
export const ZTensorShape = z
  .array(z.number().int().min(-1, { error: "a dimension is a size (0 or more) or -1 for any size" }))
  .min(1, { error: "a tensor has at least one dimension ([1] for one value)" })
  .max(MAX_TENSOR_RANK, { error: `a tensor has at most ${MAX_TENSOR_RANK} dimensions` });

export const isNumericDatatype = (datatype: TTensorDatatype) => datatype !== "BOOL" && datatype !== "BYTES";
