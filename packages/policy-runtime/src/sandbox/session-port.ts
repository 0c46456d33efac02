import { IsolateSession, type SessionMethod, type SessionOutcome, type SessionSpec } from "./isolate-session";

/** How a PolicyInstance reaches its isolate: directly, or in the sandbox child process. */
export interface SessionPort {
  /** (Re)creates the isolate and loads the module; the answer's value is `{kind}`. */
  open(): Promise<SessionOutcome>;
  call(method: SessionMethod, argsJson: string): Promise<SessionOutcome>;
  dispose(): void;
}

/** The isolate in this process: no hop, so a warm call costs a few microseconds. */
export class InProcessPort implements SessionPort {
  private readonly session: IsolateSession;

  constructor(spec: SessionSpec) {
    this.session = new IsolateSession(spec);
  }

  open(): Promise<SessionOutcome> {
    return Promise.resolve(this.session.open());
  }

  call(method: SessionMethod, argsJson: string): Promise<SessionOutcome> {
    return Promise.resolve(this.session.call(method, argsJson));
  }

  dispose(): void {
    this.session.dispose();
  }
}
