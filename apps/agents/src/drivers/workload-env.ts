/**
 * The agent's own variables a workload may see: where programs are, its language and time zone,
 * and where OpenTelemetry spans go (every hop of a request exports its own span). The exporter's
 * headers (`OTEL_EXPORTER_OTLP_HEADERS`, often a backend's API key) are not among them: component
 * code would read them.
 */
const PASSED_THROUGH = [
  "PATH",
  "LANG",
  "LC_ALL",
  "TZ",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_BSP_SCHEDULE_DELAY",
  "OTEL_TRACES_SAMPLER",
  "OTEL_TRACES_SAMPLER_ARG",
  "OTEL_SDK_DISABLED",
] as const;
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * The environment every workload starts from, instead of the agent's: the agent's holds its API
 * token and the queue's (maybe PostgreSQL's) URL, which component code must never see. The rest is
 * what the workload's kind needs (port, host, body limit, GPUs, control token) and what its
 * specification declares, added by whoever starts it.
 */
export function baseWorkloadEnv(
  /** Its own: HOME, TMPDIR (its caches, such as tsx's, stay in its home), USER and LOGNAME (see WorkloadLease.env). */
  own: { HOME: string } & Record<string, string>,
  agentEnv: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH, ...own };
  for (const name of PASSED_THROUGH) {
    const value = agentEnv[name];
    if (value) env[name] = value;
  }
  return env;
}
