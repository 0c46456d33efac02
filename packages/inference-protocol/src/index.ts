export { decodeRawTensor, encodeRawTensor, halfToNumber, numberToHalf } from "./binary";
export { ELEMENT_BYTES, elementCount, elementProblem, type TensorElement } from "./datatypes";
export { inputError, outputError, TensorError } from "./errors";
export { type ModelTensors, type TensorSpec, tensorMetadata, tensorsOfProtocol } from "./model-tensors";
export { type RestInfer, readRestInfer, requestedOutputs, restInferAnswer } from "./rest-body";
export {
  INFERENCE_HEADER_LENGTH,
  type TRestInferRequest,
  ZRestInferInput,
  ZRestInferOutput,
  ZRestInferRequest,
} from "./rest-messages";
export { type InputTensor, inputsToData, nest } from "./to-data";
export { dataToOutputs, type OutputTensor } from "./to-outputs";
