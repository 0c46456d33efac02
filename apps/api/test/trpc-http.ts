/** A tRPC call over real HTTP with a bearer token, as a CLI or the console would make it. */
export interface TrpcAnswer<T = unknown> {
  status: number;
  data: T;
  error?: { message: string; data?: { issues?: Array<{ path: string; message: string }> } };
}

export function trpcOver(url: string) {
  const headers = (token?: string): Record<string, string> => ({
    "content-type": "application/json",
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  const answer = async <T>(res: Response): Promise<TrpcAnswer<T>> => {
    const body = (await res.json()) as { result?: { data: T }; error?: TrpcAnswer["error"] };
    return { status: res.status, data: body.result?.data as T, error: body.error };
  };
  return {
    mutation: async <T = unknown>(path: string, input: unknown, token?: string) =>
      answer<T>(
        await fetch(`${url}/trpc/${path}`, {
          method: "POST",
          headers: headers(token),
          body: JSON.stringify(input),
        }),
      ),
    query: async <T = unknown>(path: string, input: unknown, token?: string) =>
      answer<T>(
        await fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers: headers(token),
        }),
      ),
  };
}
