import {
  type FreshOutcome,
  IsolateSession,
  type SessionMethod,
  type SessionOutcome,
  type SessionSpec,
} from "./isolate-session";

/** How a PolicyInstance reaches its isolate: directly, or in the sandbox child process. */
export interface SessionPort {
  /** (Re)creates the isolate and loads the module; the answer's value is `{kind}`. */
  open(): Promise<SessionOutcome>;
  call(method: SessionMethod, argsJson: string): Promise<SessionOutcome>;
  /**
   * init, then the method if init succeeded, in one crossing: calls are answered in the order they
   * were made and never interleave, so a stateless caller needs no queue of its own.
   */
  callFresh(initArgs: string, method: SessionMethod, argsJson: string): Promise<FreshOutcome>;
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

  callFresh(initArgs: string, method: SessionMethod, argsJson: string): Promise<FreshOutcome> {
    return Promise.resolve(this.session.callFresh(initArgs, method, argsJson));
  }

  dispose(): void {
    this.session.dispose();
  }
}
