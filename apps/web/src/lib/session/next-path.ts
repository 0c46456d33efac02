/** Where to go after signing in: a path of this console only (never `//host` nor a full URL). */
export function safeNextPath(next: string | string[] | undefined): string {
  const path = Array.isArray(next) ? next[0] : next;
  return path?.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") ? path : "/";
}
