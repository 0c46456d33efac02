import type { AppRouter } from "@aios/api/router";
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from "@trpc/client";
import { EventSource } from "eventsource";

export type ApiClient = TRPCClient<AppRouter>;
type CallFetch = NonNullable<Parameters<typeof httpLink>[0]["fetch"]>;

export interface ApiClientOptions {
  /** Base URL of the management plane, e.g. http://127.0.0.1:4000 */
  url: string;
  token?: string | undefined;
  /** The fetch of queries and mutations (default: Node's); the CLI passes `nodeHttpFetch`. */
  fetch?: CallFetch | undefined;
}

/** The typed client every Node caller (agents, CLI, scripts, benches) uses to reach the API. */
export function createApiClient({ url, token, fetch: callFetch }: ApiClientOptions): ApiClient {
  const trpcUrl = `${url.replace(/\/+$/, "")}/trpc`;
  const headers = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: trpcUrl,
          // Node 20 has no global EventSource.
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => {
              const merged = new Headers(init?.headers);
              for (const [k, v] of Object.entries(headers())) merged.set(k, v);
              return fetch(input, { ...init, headers: merged });
            },
          }),
        }),
        false: httpLink({ url: trpcUrl, headers, ...(callFetch ? { fetch: callFetch } : {}) }),
      }),
    ],
  });
}

/** Errors worth retrying: the API is unreachable or says it is temporarily unavailable. */
export function isTransientApiError(err: unknown): boolean {
  if (!(err instanceof TRPCClientError)) return true;
  const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus;
  return status === undefined || status >= 500 || status === 429;
}

/**
 * Why the API could not be reached at all (connection refused, unknown host, a port fetch refuses),
 * or null when it answered, even with an error.
 */
export function unreachableReason(err: unknown): string | null {
  const failed = err instanceof TRPCClientError ? err.cause : err;
  if (!(failed instanceof TypeError) || failed.message !== "fetch failed") return null;
  const cause = (failed as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : failed.message;
}

/** A one-line, human message for an API error, with the field issues the API reported. */
export function describeApiError(err: unknown): string {
  if (err instanceof TRPCClientError) {
    const issues = (err.data as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues;
    if (issues?.length) return issues.map((i) => `${i.path}: ${i.message}`).join("\n");
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
