import {
  issuesLine,
  type TPolicyKind,
  validatePolicyInput,
  validatePolicyOutput,
  ZPolicyKind,
} from "@aios/contracts";
import type { CompiledPolicy } from "../compile";
import { PolicyError, type PolicyIssue } from "../errors";
import { toPolicyError } from "./error-mapping";
import type { SandboxFault, SessionMethod, SessionOutcome } from "./isolate-session";
import { NEEDS_PREFIX, RESEND_ROWS } from "./prelude";
import { type PolicyQuery, QueryAnswers } from "./query-rounds";
import { RowEncoder } from "./row-transfer";
import type { SessionPort } from "./session-port";
import type { CallResult, LogEntry, PolicyInstance } from "./types";

type Answer =
  | { ok: true; value?: unknown; logs: LogEntry[] }
  | { ok: false; error: SandboxFault; logs: LogEntry[] };

// What comes out of the isolate is untrusted: a "__proto__" key must not become a prototype later.
const dropProto = (key: string, value: unknown) => (key === "__proto__" ? undefined : value);
const parseUntrusted = (json: string): unknown =>
  json.includes('"__proto__"') ? JSON.parse(json, dropProto) : JSON.parse(json);
const ms = (t0: number) => Math.round((performance.now() - t0) * 1000) / 1000;

/** A PolicyInstance over any SessionPort: JSON in and out, kind validation, mapped errors. */
export class SandboxedPolicyInstance implements PolicyInstance {
  private readonly rows = new RowEncoder();

  constructor(
    readonly kind: TPolicyKind,
    private readonly compiled: CompiledPolicy,
    private readonly port: SessionPort,
  ) {}

  get hash(): string {
    return this.compiled.hash;
  }

  /** Loads the module (no init yet); throws PolicyError "invalid_policy" or "runtime". */
  static async open(compiled: CompiledPolicy, port: SessionPort): Promise<SandboxedPolicyInstance> {
    const answer = read(await port.open());
    if (!answer.ok) {
      port.dispose();
      throw toPolicyError(answer.error, compiled);
    }
    const kind = ZPolicyKind.safeParse((answer.value as { kind?: unknown } | undefined)?.kind);
    if (!kind.success) {
      port.dispose();
      const declared = JSON.stringify((answer.value as { kind?: unknown }).kind);
      throw new PolicyError(
        "invalid_policy",
        `unknown policy kind ${declared}; one of ${ZPolicyKind.options.join(", ")}`,
      );
    }
    return new SandboxedPolicyInstance(kind.data, compiled, port);
  }

  async init(settings: object, parameters: object): Promise<CallResult<void>> {
    const t0 = performance.now();
    const r = outsideEval(await this.call("init", { settings, parameters }, t0), t0);
    return r.ok ? { ...r, value: undefined } : r;
  }

  eval(input: unknown, ctx: EvalContext = {}): Promise<CallResult<unknown>> {
    return this.checkedEval(input, ctx);
  }

  evalFresh(
    settings: object,
    parameters: object,
    input: unknown,
    ctx: EvalContext = {},
  ): Promise<CallResult<unknown>> {
    return this.checkedEval(input, ctx, { settings, parameters });
  }

  /** eval with the input and output checked against the kind; with `init`, after a fresh init. */
  private async checkedEval(
    input: unknown,
    ctx: EvalContext,
    init?: { settings: object; parameters: object },
  ): Promise<CallResult<unknown>> {
    const t0 = performance.now();
    const checked = ctx.trustedInput
      ? { ok: true as const, value: input }
      : validatePolicyInput(this.kind, input);
    if (!checked.ok) return failed(invalid("invalid_input", `input of ${this.kind}`, checked.errors), [], t0);
    const r = await this.evalRounds(checked.value, ctx, t0, init);
    if (!r.ok) return r;
    const out = validatePolicyOutput(this.kind, r.value, checked.value);
    if (!out.ok)
      return failed(invalid("invalid_output", `output of ${this.kind}`, out.errors, r.value), r.logs, t0);
    return { ok: true, value: out.value, logs: r.logs, durationMs: ms(t0) };
  }

  /** eval, and again with the answers while the policy asks for `ctx.query` answers (query-rounds.ts). */
  private async evalRounds(
    input: unknown,
    ctx: EvalContext,
    t0: number,
    init?: object,
  ): Promise<CallResult<unknown>> {
    const answers = ctx.query ? new QueryAnswers(ctx.query) : null;
    for (;;) {
      const extra = answers ? { queryable: true, answers: answers.entries() } : {};
      const r = await this.evalCall(input, ctx.metrics, extra, t0, init);
      if (!("needs" in r)) return r;
      if (!answers) return failed(new PolicyError("runtime", "the sandbox asked for queries"), [], t0);
      try {
        await answers.answer(r.needs);
      } catch (e) {
        return failed(e as PolicyError, [], t0);
      }
    }
  }

  /** eval with its row arrays as columns; in full again if the isolate lost the columns it held. */
  private evalCall(
    input: unknown,
    metrics: unknown,
    extra: object,
    t0: number,
    init?: object,
  ): Promise<CallResult<unknown> | { needs: string[] }> {
    const resend = () => {
      this.rows.reset();
      return { ...this.rows.encode(input), metrics, ...extra };
    };
    const args = { ...this.rows.encode(input), metrics, ...extra };
    return init ? this.callFresh(init, args, t0, resend) : this.call("eval", args, t0, resend);
  }

  async management(action: string, data: unknown): Promise<CallResult<unknown>> {
    const t0 = performance.now();
    return outsideEval(await this.call("management", { action, data }, t0), t0);
  }

  dispose(): void {
    this.port.dispose();
  }

  private async call(
    method: SessionMethod,
    args: object,
    t0: number,
    resend?: () => object,
  ): Promise<CallResult<unknown> | { needs: string[] }> {
    const json = toJson(method, args, t0);
    if (typeof json !== "string") return json;
    const out = await this.port.call(method, json);
    if ("json" in out && out.json === RESEND_ROWS) {
      if (resend) return this.call(method, resend(), t0);
      return failed(new PolicyError("runtime", "the sandbox lost the input's rows twice"), [], t0);
    }
    return this.answer(out, [], t0);
  }

  /** init with `init` ({settings, parameters}), then eval with `args`: one crossing. */
  private async callFresh(
    init: object,
    args: object,
    t0: number,
    resend: () => object,
  ): Promise<CallResult<unknown> | { needs: string[] }> {
    const initJson = toJson("init", init, t0);
    if (typeof initJson !== "string") return initJson;
    const json = toJson("eval", args, t0);
    if (typeof json !== "string") return json;
    const fresh = await this.port.callFresh(initJson, "eval", json);
    const initAnswer = read(fresh.init);
    if (!initAnswer.ok) return failed(toPolicyError(initAnswer.error, this.compiled), initAnswer.logs, t0);
    const out = fresh.out;
    if (out === null) return failed(new PolicyError("runtime", "the sandbox did not run eval"), [], t0);
    // The isolate lost the rows it held: init has run, so eval alone goes again with every column.
    if ("json" in out && out.json === RESEND_ROWS) {
      const again = await this.call("eval", resend(), t0);
      return "needs" in again ? again : { ...again, logs: [...initAnswer.logs, ...again.logs] };
    }
    return this.answer(out, initAnswer.logs, t0);
  }

  private answer(
    out: SessionOutcome,
    logsBefore: LogEntry[],
    t0: number,
  ): CallResult<unknown> | { needs: string[] } {
    if ("json" in out && out.json.startsWith(NEEDS_PREFIX))
      return { needs: (JSON.parse(out.json) as { needs: string[] }).needs };
    const answer = read(out);
    const logs = logsBefore.length > 0 ? [...logsBefore, ...answer.logs] : answer.logs;
    if (!answer.ok) return failed(toPolicyError(answer.error, this.compiled), logs, t0);
    return { ok: true, value: answer.value, logs, durationMs: ms(t0) };
  }
}

interface EvalContext {
  metrics?: unknown;
  trustedInput?: boolean;
  /** Answers the policy's `ctx.query` calls; without it ctx.query throws. */
  query?: PolicyQuery;
}

/** init and management get no ctx.query: an answer asking for one is a fault of the sandbox. */
function outsideEval(r: CallResult<unknown> | { needs: string[] }, t0: number): CallResult<unknown> {
  return "needs" in r ? failed(new PolicyError("runtime", "ctx.query is only for eval"), [], t0) : r;
}

function toJson(method: SessionMethod, args: object, t0: number): string | CallResult<never> {
  try {
    return JSON.stringify(args);
  } catch (e) {
    const message = `the ${method} arguments are not JSON: ${(e as Error).message}`;
    return failed(new PolicyError("invalid_input", message), [], t0);
  }
}

function read(out: SessionOutcome): Answer {
  if ("fault" in out) return { ok: false, error: out.fault, logs: out.logs };
  return parseUntrusted(out.json) as Answer;
}

function invalid(
  kind: "invalid_input" | "invalid_output",
  what: string,
  issues: PolicyIssue[],
  output?: unknown,
) {
  return new PolicyError(kind, `${what} does not match its schema: ${issuesLine(issues)}`, {
    issues,
    ...(output !== undefined ? { output } : {}),
  });
}

const failed = (error: PolicyError, logs: LogEntry[], t0: number): CallResult<never> => ({
  ok: false,
  error,
  logs,
  durationMs: ms(t0),
});
