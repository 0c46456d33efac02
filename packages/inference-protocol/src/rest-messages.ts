import { MAX_TENSOR_RANK, ZTensorDatatype } from "@aios/contracts";
import { z } from "zod";

/** `parameters` of a request, an input or an output: names to strings, numbers or booleans. */
const ZParameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const ZRestInferInput = z.looseObject({
  name: z.string().min(1),
  shape: z
    .array(z.number().int().min(0, { error: "a dimension is a size: 0 or more" }))
    .max(MAX_TENSOR_RANK, { error: `a tensor has at most ${MAX_TENSOR_RANK} dimensions` }),
  datatype: ZTensorDatatype,
  parameters: ZParameters.optional(),
  /** Row-major elements, flat or nested; absent when `parameters.binary_data_size` says they follow the JSON. */
  data: z.unknown().optional(),
});

export const ZRestInferOutput = z.looseObject({
  name: z.string().min(1),
  parameters: ZParameters.optional(),
});

/** `POST /v2/models/<name>[/versions/<v>]/infer`: the Open Inference Protocol's request (its JSON part). */
export const ZRestInferRequest = z.looseObject({
  id: z.string().optional(),
  parameters: ZParameters.optional(),
  inputs: z.array(ZRestInferInput).min(1, { error: "give at least one input tensor" }),
  outputs: z.array(ZRestInferOutput).optional(),
});
export type TRestInferRequest = z.infer<typeof ZRestInferRequest>;

/** The header that says how many bytes of the body are JSON when binary tensor data follow it. */
export const INFERENCE_HEADER_LENGTH = "inference-header-content-length";
