import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  ApiException,
  type CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1Pod,
} from "@kubernetes/client-node";
import { ContainerConfigError, containerEnv, expand } from "./container-env";
import { startContainerProbes, stopContainer } from "./container-probes";
import { type ProcessEnd, startContainerProcess } from "./container-process";
import {
  ConditionClock,
  type ContainerRecord,
  initialState,
  type PodPhase,
  statusPatch,
  waiting,
} from "./pod-status";
import { kubeTime } from "./times";
import { type Mount, mountsOf, translatePath } from "./volumes";

/** What every pod worker of one process kubelet shares. */
export interface KubeletContext {
  core: CoreV1Api;
  hostIP: string;
  /** The pod's own folder: container output and, by default, the working directory. */
  podDir: (pod: V1Pod) => string;
  workingDir?: (containerWorkingDir: string | undefined) => string;
  /** The images this node can pull (ProcessKubeletOptions.images); absent: images are ignored. */
  images?: Record<string, ImageConfig>;
  /** Variables every container gets before its own (PATH, the API server's address). */
  baseEnv: Record<string, string>;
  backoff: { initialMs: number; maxMs: number };
  log: (line: string) => void;
}

/** What an image's configuration gives a container that does not say otherwise. */
export interface ImageConfig {
  /** ENTRYPOINT + CMD: run when the container has no command. */
  entrypoint?: string[];
  /** WORKDIR: the working directory when the container names none (mapped like the container's). */
  workingDir?: string;
}

const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

/**
 * One pod on this node, from its first sight to its end: init containers in order, then the
 * containers as process groups with their probes and restarts, the status the kubelet reports,
 * and the graceful stop and final delete once the pod is being deleted.
 */
export class PodWorker {
  pod: V1Pod;
  private phase: PodPhase = "Pending";
  private initialized = false;
  private readonly startTime = kubeTime();
  private readonly inits: ContainerRecord[];
  private readonly containers: ContainerRecord[];
  private readonly clock = new ConditionClock();
  private readonly dir: string;
  private readonly cancel = new AbortController();
  private terminating = false;
  private killed = false;
  private gone = false;
  private dirty = false;
  private syncing?: Promise<void>;
  private running?: Promise<void>;

  constructor(
    private readonly ctx: KubeletContext,
    pod: V1Pod,
    readonly podIP: string,
  ) {
    this.pod = pod;
    this.dir = ctx.podDir(pod);
    const hasInits = (pod.spec?.initContainers?.length ?? 0) > 0;
    const record = (spec: V1Container, init: boolean): ContainerRecord => ({
      spec,
      init,
      restartCount: 0,
      state: initialState(init, hasInits),
      ready: false,
      started: false,
      probes: [],
    });
    this.inits = (pod.spec?.initContainers ?? []).map((c) => record(c, true));
    this.containers = (pod.spec?.containers ?? []).map((c) => record(c, false));
  }

  get uid(): string {
    return this.pod.metadata!.uid!;
  }

  get name(): string {
    return `${this.pod.metadata!.namespace}/${this.pod.metadata!.name}`;
  }

  start(): void {
    this.running = this.run().catch((e) => this.ctx.log(`pod ${this.name}: ${String(e)}`));
  }

  /** A newer version of the pod object; a deletionTimestamp starts the graceful stop. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp) void this.terminate();
  }

  /** The pid (process group) of each container running now. */
  pids(): Record<string, number> {
    const live = [...this.inits, ...this.containers].filter((c) => c.proc && !c.proc.ended);
    return Object.fromEntries(live.map((c) => [c.spec.name, c.proc!.pid]));
  }

  container(name: string): ContainerRecord | undefined {
    return [...this.inits, ...this.containers].find((c) => c.spec.name === name);
  }

  private async run(): Promise<void> {
    mkdirSync(join(this.dir, "logs"), { recursive: true });
    await this.sync();
    const restartPolicy = this.pod.spec?.restartPolicy ?? "Always";
    for (const init of this.inits) {
      for (;;) {
        const end = await this.runOnce(init);
        if (this.terminating) return;
        if (end.exitCode === 0) break;
        if (restartPolicy === "Never") {
          this.phase = "Failed";
          await this.sync();
          return;
        }
        await this.backOff(init);
      }
    }
    this.initialized = true;
    await Promise.all(this.containers.map((c) => this.runContainer(c, restartPolicy)));
    if (this.terminating) return;
    this.phase = this.containers.every((c) => c.state.terminated?.exitCode === 0) ? "Succeeded" : "Failed";
    await this.sync();
  }

  private async runContainer(c: ContainerRecord, restartPolicy: string): Promise<void> {
    for (;;) {
      const end = await this.runOnce(c);
      if (this.terminating) return;
      if (!(restartPolicy === "Always" || (restartPolicy === "OnFailure" && end.exitCode !== 0))) return;
      await this.backOff(c);
    }
  }

  /** CrashLoopBackOff: 10 s doubling to 5 min in the kubelet; shorter here by default (see README). */
  private async backOff(c: ContainerRecord): Promise<void> {
    const ms = Math.min(this.ctx.backoff.initialMs * 2 ** c.restartCount, this.ctx.backoff.maxMs);
    c.lastState = c.state;
    c.state = waiting(
      "CrashLoopBackOff",
      `back-off ${Math.round(ms / 1000)}s restarting failed container=${c.spec.name} pod=${this.pod.metadata!.name}_${this.pod.metadata!.namespace}(${this.uid})`,
    );
    await this.sync();
    await this.sleep(ms);
    if (this.terminating) return;
    c.restartCount++;
  }

  /**
   * The container's image, as a kubelet pulls it: one this node's catalog holds gives its
   * configuration; any other fails with ErrImagePull, then waits in ImagePullBackOff, tried again
   * now and then, until the pod is deleted (null). Without a catalog every image "pulls", empty.
   */
  private async pullImage(c: ContainerRecord): Promise<ImageConfig | null> {
    const images = this.ctx.images;
    if (!images) return {};
    const name = c.spec.image ?? "";
    for (let attempt = 0; ; attempt++) {
      if (this.terminating) return null;
      const found = Object.hasOwn(images, name) ? images[name] : undefined;
      if (found) return found;
      const message = `failed to pull image "${name}": not found in the catalog of node ${this.pod.spec?.nodeName}`;
      c.state = waiting(attempt === 0 ? "ErrImagePull" : "ImagePullBackOff", message);
      await this.sync();
      await this.sleep(attempt === 0 ? 500 : 2000);
    }
  }

  /** One run of a container: its environment, its process until it ends, its probes meanwhile. */
  private async runOnce(c: ContainerRecord): Promise<ProcessEnd> {
    const image = await this.pullImage(c);
    if (image === null) return { exitCode: 0 };
    let env: Record<string, string> | undefined;
    let mounts: Mount[] = [];
    while (!env) {
      if (this.terminating) return { exitCode: 0 };
      try {
        mounts = mountsOf(this.pod, c.spec, this.dir);
        const own = await this.environment(c.spec);
        env = Object.fromEntries(Object.entries(own).map(([k, v]) => [k, translatePath(v, mounts)]));
      } catch (e) {
        const reason = e instanceof ContainerConfigError ? e.reason : "CreateContainerError";
        c.state = waiting(reason, e instanceof Error ? e.message : String(e));
        await this.sync();
        await this.sleep(2000);
      }
    }
    const command = c.spec.command ?? image.entrypoint ?? [];
    const argv = [...command, ...(c.spec.args ?? [])].map((a) => translatePath(expand(a, env), mounts));
    const givenDir = c.spec.workingDir ?? image.workingDir;
    const workingDir = givenDir === undefined ? undefined : translatePath(givenDir, mounts);
    const cwd = this.ctx.workingDir ? this.ctx.workingDir(workingDir) : (workingDir ?? this.dir);
    if (argv.length === 0) {
      c.state = waiting(
        "CreateContainerConfigError",
        `container ${c.spec.name}: the process kubelet needs a command (images are not run)`,
      );
      await this.sync();
      await this.sleep(2 ** 31 - 1);
      return { exitCode: 0 };
    }
    if (c.proc) c.previousLogPath = c.proc.logPath;
    mkdirSync(join(this.dir, "logs", c.spec.name), { recursive: true });
    const proc = await startContainerProcess({
      argv,
      env,
      cwd,
      logPath: join(this.dir, "logs", c.spec.name, `${c.restartCount}.log`),
    });
    c.proc = proc;
    const startedAt = kubeTime(proc.startedAt);
    if (!proc.ended) {
      c.state = { running: { startedAt } };
      if (!c.init) this.phase = "Running";
      if (!c.init)
        startContainerProbes(
          c,
          { podIP: this.podIP, container: c.spec, env, cwd },
          {
            changed: () => void this.sync(),
            unhealthy: (probeGrace) => {
              this.ctx.log(`pod ${this.name}: container ${c.spec.name} failed its probe; stopping it`);
              stopContainer(c, probeGrace ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30);
            },
          },
        );
      await this.sync();
    }
    const end = await proc.exited;
    for (const p of c.probes) p.stop();
    c.probes = [];
    c.ready = false;
    c.started = false;
    c.state = {
      terminated: {
        exitCode: end.exitCode,
        ...(end.signal ? { signal: Number(end.exitCode) - 128 } : {}),
        reason: end.startError ? "StartError" : end.exitCode === 0 ? "Completed" : "Error",
        ...(end.startError ? { message: end.startError } : {}),
        startedAt,
        finishedAt: kubeTime(),
        containerID: `process://${proc.pid}`,
      },
    };
    await this.sync();
    return end;
  }

  private environment(c: V1Container): Promise<Record<string, string>> {
    const base = { ...this.ctx.baseEnv, HOSTNAME: this.pod.metadata!.name! };
    return containerEnv(c, {
      core: this.ctx.core,
      pod: this.pod,
      podIP: this.podIP,
      hostIP: this.ctx.hostIP,
    }).then((own) => ({ ...base, ...own }));
  }

  /**
   * The kubelet's part of a deletion: SIGTERM to every container, SIGKILL once the grace period
   * is over, the final status, then the delete with grace 0 (precondition: this pod's uid).
   */
  async terminate(): Promise<void> {
    if (this.terminating) return;
    this.terminating = true;
    this.cancel.abort();
    const grace =
      this.pod.metadata?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    const live = [...this.inits, ...this.containers].flatMap((c) =>
      c.proc && !c.proc.ended ? [c.proc] : [],
    );
    for (const p of live) p.signal("SIGTERM");
    const all = Promise.all(live.map((p) => p.exited));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, grace * 1000)))]);
    clearTimeout(timer);
    for (const p of live) p.signal("SIGKILL");
    await all;
    await this.running;
    if (this.phase !== "Succeeded" && this.phase !== "Failed")
      this.phase = this.containers.every((c) => c.state.terminated?.exitCode === 0) ? "Succeeded" : "Failed";
    await this.sync();
    if (this.killed || this.gone) return;
    try {
      await this.ctx.core.deleteNamespacedPod({
        name: this.pod.metadata!.name!,
        namespace: this.pod.metadata!.namespace!,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid: this.uid } },
      });
    } catch (e) {
      if (!(e instanceof ApiException && (e.code === 404 || e.code === 409))) throw e;
    }
  }

  /** The pod is gone from the API server, or the kubelet stops: SIGKILL at once, no more writes. */
  async kill(): Promise<void> {
    this.killed = true;
    this.terminating = true;
    this.cancel.abort();
    const live = [...this.inits, ...this.containers].flatMap((c) =>
      c.proc && !c.proc.ended ? [c.proc] : [],
    );
    for (const p of live) p.signal("SIGKILL");
    await Promise.all(live.map((p) => p.exited));
    await this.running;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      if (this.cancel.signal.aborted) return done();
      const timer = setTimeout(done, ms);
      this.cancel.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        done();
      });
    });
  }

  /** Writes the status now, or once the write under way is done; writes that pile up become one. */
  sync(): Promise<void> {
    this.dirty = true;
    this.syncing ??= this.flush().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async flush(): Promise<void> {
    while (this.dirty && !this.killed && !this.gone) {
      this.dirty = false;
      const body = statusPatch(
        {
          pod: this.pod,
          phase: this.phase,
          initialized: this.initialized,
          podIP: this.podIP,
          hostIP: this.ctx.hostIP,
          startTime: this.startTime,
          inits: this.inits,
          containers: this.containers,
        },
        this.clock,
      );
      try {
        const name = this.pod.metadata!.name!;
        const namespace = this.pod.metadata!.namespace!;
        await this.ctx.core.patchNamespacedPodStatus({ name, namespace, body }, strategic);
      } catch (e) {
        if (e instanceof ApiException && (e.code === 404 || e.code === 409)) {
          this.gone = true;
          return;
        }
        this.ctx.log(`pod ${this.name}: writing its status: ${e instanceof Error ? e.message : String(e)}`);
        this.dirty = true;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}
