import { status } from "@grpc/grpc-js";

/**
 * The gRPC status code of an HTTP status (`protocolErrorOf`'s): the caller's mistakes
 * INVALID_ARGUMENT (400 and any other 4xx, a model's own refusal included), 401 UNAUTHENTICATED,
 * 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 FAILED_PRECONDITION, 413 (a body past
 * AIOS_MAX_BODY_MB) and 429 (a rate limit or quota) RESOURCE_EXHAUSTED, 503 UNAVAILABLE, 500 and
 * any other 5xx INTERNAL.
 */
export function grpcStatusOf(httpStatus: number): status {
  switch (httpStatus) {
    case 400:
      return status.INVALID_ARGUMENT;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.NOT_FOUND;
    case 409:
      return status.FAILED_PRECONDITION;
    case 413:
    case 429:
      return status.RESOURCE_EXHAUSTED;
    case 503:
      return status.UNAVAILABLE;
  }
  if (httpStatus >= 500) return status.INTERNAL;
  if (httpStatus >= 400) return status.INVALID_ARGUMENT;
  return status.UNKNOWN;
}
