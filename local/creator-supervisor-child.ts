import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CreatorSupervisorOptions } from "./creator-supervisor.ts";
import type { SupervisorReply, SupervisorRequest } from "./creator-supervisor-protocol.ts";

/** Past this, a stop that got no exit kills the process and its creator processes (its group). */
const STOP_GRACE_MS = 10_000;

export type SupervisorAsk = SupervisorRequest extends infer R
  ? R extends unknown
    ? Omit<R, "id">
    : never
  : never;

/** One running supervisor process, as its parent sees it. */
export interface SupervisorChild {
  /** host:port of its router. */
  address: string;
  pid: number;
  ask<T>(request: SupervisorAsk): Promise<T>;
  /** Resolves with how the process ended (a signal or an exit code), once its group is killed. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** Forks creator-supervisor-main.ts and starts the supervisor in it; resolves once its router listens. */
export async function startSupervisorChild(options: CreatorSupervisorOptions): Promise<SupervisorChild> {
  const child = fork(fileURLToPath(new URL("./creator-supervisor-main.ts", import.meta.url)), [], {
    execArgv: ["--import", import.meta.resolve("tsx")],
    // Structured clone over IPC: a data API's dataset travels as bytes, not as JSON.
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // Its own process group, which its creator processes join: if it dies without stopping them
    // (a SIGKILL, an out-of-memory kill), they are killed with the group instead of left running.
    detached: true,
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // The group is gone already.
    }
  };
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => {
      killGroup();
      resolve(signal ?? `exit code ${code}`);
    }),
  );
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  child.on("message", (reply: SupervisorReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiting?.resolve(reply.value);
    else waiting?.reject(new Error(reply.error));
  });
  void exited.then(() => {
    for (const waiting of pending.values())
      waiting.reject(new Error("the creator supervisor's process exited"));
    pending.clear();
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const ask = <T>(request: SupervisorAsk): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (gone()) return reject(new Error("the creator supervisor's process exited"));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id } as SupervisorRequest);
    });

  let address: string;
  try {
    address = await ask<string>({ op: "start", options });
  } catch (error) {
    killGroup();
    throw error;
  }
  return {
    address,
    pid: child.pid!,
    ask,
    exited,
    async stop() {
      if (gone()) return;
      child.send({ op: "stop", id: -1 } satisfies SupervisorRequest);
      const timer = setTimeout(killGroup, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
