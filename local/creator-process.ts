import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import { Miniflare, type MiniflareOptions } from "miniflare";
import {
  type CreatorFault,
  type DispatchOptions,
  FAULT_HEADER,
  HEARTBEAT_PATH,
} from "../runtime/local-namespace/protocol.ts";
import { CREATOR_HOST_WORKER } from "./creator-host.ts";
import { childListeningOn, processCpuMs } from "./process-cpu.ts";

/** How a creator process is watched. */
export interface WatchSettings {
  /** CPU ms a call may use when its dispatch names none. */
  defaultCpuMs: number;
  /**
   * The shortest stall that counts as a runaway, whatever the CPU limit: below it a busy
   * machine, not the creator, may be why a heartbeat is late.
   */
  stallFloorMs: number;
}

/** Heartbeat period while calls run (or ran a moment ago), and while idle. */
const BUSY_BEAT_MS = 25;
const IDLE_BEAT_MS = 1_000;
/** After a call ends, keep watching closely this long: a creator may loop after answering. */
const BUSY_AFTER_MS = 2_000;
/**
 * Idle connections to a creator process are dropped after this long, before workerd's own 5 s
 * idle limit could close one just as a call reuses it.
 */
const IDLE_SOCKET_MS = 3_000;
/** Hop-by-hop headers are the proxy's own business, never forwarded. */
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"];

/**
 * One supervised creator process (workerd via Miniflare). Calls are proxied to it; a heartbeat
 * checks that its thread is free. When a heartbeat stays unanswered while the process burns more
 * CPU than the running call's limit (at least `stallFloorMs`), the creator is running away (a
 * process that is merely starved on a busy machine burns little): the process is killed
 * (SIGKILL) and started again from its persisted scripts and data, and the calls it held are
 * answered with a `cpu_exceeded` fault. A process that dies is restarted the same way.
 */
export class CreatorProcess {
  /** How often this process was killed and started again. */
  restarts = 0;
  /**
   * Runs after each restart, before calls go through again: the supervisor uploads what the
   * stand-in keeps only in memory (secrets). Given the new origin.
   */
  afterRestart: ((origin: URL) => Promise<void>) | undefined;
  private origin!: URL;
  private ready: Promise<void>;
  private restarting = false;
  private generation = 0;
  private readonly stoppedForCpu = new Set<number>();
  private inflight = 0;
  private lastBusy = 0;
  private stallMs: number;
  /** While above 0: a Python interpreter is starting (seconds of CPU, not a runaway). */
  private startAllowanceMs = 0;
  private ping: { sentAt: number; cpuAtSend: number } | undefined;
  /** The workerd process's pid, to read its CPU time (Linux); undefined elsewhere. */
  private pid: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires (performance.now() ms); infinite while none is set. */
  private nextBeatAt = Number.POSITIVE_INFINITY;
  private closed = false;
  private readonly mf: Miniflare;
  private agent = newAgent();

  constructor(
    private readonly config: MiniflareOptions,
    private readonly settings: WatchSettings,
  ) {
    this.stallMs = Math.max(settings.defaultCpuMs, settings.stallFloorMs);
    this.mf = new Miniflare(config);
    this.ready = this.boot(this.mf.ready);
    this.ready.then(() => this.schedule(IDLE_BEAT_MS)).catch(() => {});
  }

  /** Resolves once the process answers (first start or a restart). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Node-side access to the process's bindings (uploads). */
  get miniflare(): Miniflare {
    return this.mf;
  }

  /** The stand-in's own origin (uploads go straight to it, not through a call's proxy). */
  async url(): Promise<URL> {
    await this.ready;
    return this.origin;
  }

  /** Proxies one dispatched call; answers with a fault when the process is stopped under it. */
  async forward(req: IncomingMessage, res: ServerResponse, options: DispatchOptions): Promise<void> {
    const body = await readAll(req);
    await this.ready;
    const generation = this.generation;
    this.stallMs = Math.max(options.limits?.cpuMs ?? this.settings.defaultCpuMs, this.settings.stallFloorMs);
    this.inflight++;
    this.wake();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.inflight--;
      this.lastBusy = performance.now();
    };
    const upstream = request({
      hostname: this.origin.hostname,
      port: this.origin.port,
      method: req.method,
      path: req.url,
      headers: withoutHopByHop(req.headers),
      agent: this.agent,
    });
    let answered = false;
    upstream.on("response", (answer) => {
      answered = true;
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      // A process killed mid-body cuts the gateway's read: the gateway turns that into a 502.
      // (pipe, not pipeline: pipeline's abort signals cost a DOMException per call.)
      answer.on("error", () => res.destroy());
      answer.pipe(res);
    });
    upstream.on("error", () => {
      finish();
      if (answered) return void res.destroy();
      if (this.stoppedForCpu.has(generation))
        sendFault(res, "cpu_exceeded", "the creator exceeded its CPU limit and was stopped");
      else sendFault(res, "crashed", "the creator's process stopped while handling the call");
    });
    res.on("close", () => {
      finish();
      // The gateway gave up (its wall-time limit): stop the creator's request too.
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  }

  /**
   * Runs `work` (warming a Python worker: CPython's start burns seconds of CPU in long
   * stretches) with the stall limit raised to at least `allowanceMs`; other calls keep theirs.
   */
  async whileStarting<T>(allowanceMs: number, work: () => Promise<T>): Promise<T> {
    this.startAllowanceMs = allowanceMs;
    this.wake();
    try {
      return await work();
    } finally {
      this.startAllowanceMs = 0;
      this.lastBusy = performance.now();
      // A ping sent during the start is judged by the start's allowance, not the call limit: on a
      // loaded machine its answer may still be on the way, and the process was busy by right.
      this.ping = undefined;
    }
  }

  private stallLimit(): number {
    return Math.max(this.stallMs, this.startAllowanceMs);
  }

  /** Stops the process for good. */
  async dispose(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.agent.destroy();
    await this.mf.dispose().catch(() => {});
  }

  private async boot(started: Promise<unknown>): Promise<void> {
    await started;
    this.origin = await this.mf.unsafeGetDirectURL(CREATOR_HOST_WORKER);
    this.pid = childListeningOn(Number(this.origin.port));
  }

  private busy(): boolean {
    return this.inflight > 0 || performance.now() - this.lastBusy < BUSY_AFTER_MS;
  }

  /** Watch closely from now on (a call started). */
  private wake(): void {
    if (this.closed || this.restarting) return;
    // Already watching closely (a ping is out or a beat is due within BUSY_BEAT_MS): a ping per
    // call would double the process's work under load without watching any closer.
    if (this.watchingClosely) return;
    this.schedule(0);
  }

  /** The next heartbeat is at most a busy beat away. */
  private get watchingClosely(): boolean {
    return this.nextBeatAt - performance.now() <= BUSY_BEAT_MS;
  }

  private schedule(delayMs: number): void {
    this.nextBeatAt = performance.now() + delayMs;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.beat(), delayMs);
    this.timer.unref();
  }

  private beat(): void {
    if (this.closed || this.restarting) return;
    const ping = this.ping;
    if (!ping) this.sendPing();
    else if (
      performance.now() - ping.sentAt >= this.stallLimit() &&
      this.burnedSince(ping) >= this.stallLimit()
    ) {
      // Let answers that already arrived be read first: a timer that fired late (a busy test
      // process) must not condemn a process that did answer.
      setImmediate(() => {
        if (this.ping === ping && !this.restarting) this.restart("cpu");
      });
    }
    this.schedule(this.busy() ? BUSY_BEAT_MS : IDLE_BEAT_MS);
  }

  /**
   * CPU ms the process used since a ping went out. A process that is only starved (a loaded
   * machine) burns little; a runaway burns about as much as the time passed. Where CPU time
   * cannot be read, the time passed stands in for it.
   */
  private burnedSince(ping: { sentAt: number; cpuAtSend: number }): number {
    const burned = this.pid === undefined ? Number.NaN : processCpuMs(this.pid) - ping.cpuAtSend;
    return Number.isNaN(burned) ? performance.now() - ping.sentAt : burned;
  }

  private sendPing(): void {
    // The clock starts once the ping is on the wire: a test process that stalls before it could
    // even connect must not blame the creator for the wait.
    const ping = { sentAt: Number.POSITIVE_INFINITY, cpuAtSend: Number.NaN };
    this.ping = ping;
    const probe = request(
      { hostname: this.origin.hostname, port: this.origin.port, path: HEARTBEAT_PATH, agent: this.agent },
      (answer) => {
        answer.resume();
        if (this.ping === ping) this.ping = undefined;
      },
    );
    probe.on("finish", () => {
      ping.sentAt = performance.now();
      ping.cpuAtSend = this.pid === undefined ? Number.NaN : processCpuMs(this.pid);
    });
    probe.on("error", () => {
      if (this.ping === ping && !this.restarting && !this.closed) this.restart("crash");
    });
    probe.end();
  }

  private restart(why: "cpu" | "crash"): void {
    if (this.closed) return;
    if (why === "cpu") this.stoppedForCpu.add(this.generation);
    this.restarting = true;
    this.ping = undefined;
    this.restarts++;
    this.generation++;
    this.agent.destroy();
    this.agent = newAgent();
    // setOptions kills the old workerd (SIGKILL) and starts a new one on the same storage.
    this.ready = this.boot(this.mf.setOptions(this.config))
      .then(() => this.afterRestart?.(this.origin))
      .finally(() => {
        this.restarting = false;
        if (!this.closed) this.schedule(BUSY_BEAT_MS);
      });
    this.ready.catch((error) => console.error("402claw: a creator process failed to restart", error));
  }
}

/** Answers a call the creator could not: the platform's JSON error, marked as a fault. */
export function sendFault(res: ServerResponse, fault: CreatorFault, message: string): void {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ error: { code: `creator_${fault}`, message } });
  res.writeHead(502, { "content-type": "application/json", [FAULT_HEADER]: fault }).end(body);
}

/** Keep-alive connections for calls and pings (a connection per call would cost ~1 ms each). */
function newAgent(): Agent {
  return new Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.includes(name)) kept[name] = value;
  return kept;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
