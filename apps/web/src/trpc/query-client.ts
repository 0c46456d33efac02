import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";

/** Client errors (bad input, not found, forbidden) do not get better by retrying. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof TRPCClientError) {
    const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
    if (status !== undefined && status >= 400 && status < 500) return false;
  }
  return failureCount < 1;
}

/**
 * A 401 means the session's token was revoked or expired (or there is no session in token mode):
 * go to sign-in, which comes back here afterwards.
 */
function signInWhenUnauthorized(error: unknown): void {
  if (typeof window === "undefined" || !(error instanceof TRPCClientError)) return;
  if ((error.data as { httpStatus?: number } | undefined)?.httpStatus !== 401) return;
  if (window.location.pathname === "/sign-in") return;
  const next = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/sign-in?ended=1&next=${encodeURIComponent(next)}`);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: signInWhenUnauthorized }),
    mutationCache: new MutationCache({ onError: signInWhenUnauthorized }),
    defaultOptions: {
      queries: {
        // Data older than this is refetched on mount/focus; pages with live data poll explicitly.
        staleTime: 10 * 1000,
        retry: shouldRetry,
      },
    },
  });
}
