export { decodeRawTensor, encodeRawTensor, halfToNumber, numberToHalf } from "./binary";
export { ELEMENT_BYTES, elementCount, elementProblem, type TensorElement } from "./datatypes";
export { inputError, outputError, TensorError } from "./errors";
export {
  CONTENTS_FIELD,
  contentsToElements,
  elementsToContents,
  GRPC_LOADER_OPTIONS,
  GRPC_PREDICT_V2_PROTO,
  type GrpcInferRequest,
  type GrpcInferResponse,
  type GrpcInt64,
  type GrpcParameter,
  type GrpcParameters,
  type GrpcTensorContents,
  grpcInferAnswer,
  grpcParameters,
  grpcRequestedOutputs,
  int64ToNumber,
  readGrpcInputs,
  toGrpcParameters,
} from "./grpc-tensors";
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
