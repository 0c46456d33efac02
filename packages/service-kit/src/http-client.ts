/**
 * `fetch` of a JSON answer within `timeoutMs` (default 3 s); throws on a status other than 2xx,
 * naming the method, URL, status and body.
 */
export async function fetchJson<T>(url: string, init?: RequestInit, timeoutMs = 3_000): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
