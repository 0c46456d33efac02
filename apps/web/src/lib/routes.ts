/** Links to detail pages; keys such as component URIs contain ':' and are URI-encoded. */
export const routes = {
  cluster: (id: string) => `/network/clusters/${encodeURIComponent(id)}`,
  component: (uri: string) => `/components/${encodeURIComponent(uri)}`,
  block: (id: string) => `/blocks/${encodeURIComponent(id)}`,
  vdag: (uri: string) => `/vdags/${encodeURIComponent(uri)}`,
  policy: (uri: string) => `/policies/${encodeURIComponent(uri)}`,
  function: (name: string) => `/functions/${encodeURIComponent(name)}`,
  graph: (uri: string) => `/graphs/${encodeURIComponent(uri)}`,
  job: (id: string) => `/jobs/${encodeURIComponent(id)}`,
  asset: (uri: string) => `/assets/${encodeURIComponent(uri)}`,
  spec: (uri: string) => `/specs/${encodeURIComponent(uri)}`,
  qualityItem: (id: string) => `/quality/${encodeURIComponent(id)}`,
};

/** Route params may arrive encoded or decoded depending on the router; decode once, safely. */
export function decodeParam(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value.join("/") : (value ?? "");
  try {
    return raw.includes("%") ? decodeURIComponent(raw) : raw;
  } catch {
    return raw;
  }
}
