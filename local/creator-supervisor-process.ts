import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CreatorSupervisor, CreatorSupervisorOptions } from "./creator-supervisor.ts";
import type { SupervisorReply, SupervisorRequest } from "./creator-supervisor-protocol.ts";

/** Past this, a stop that got no exit kills the process and its creator processes (its group). */
const STOP_GRACE_MS = 10_000;

type Request = SupervisorRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

/**
 * The creator supervisor (creator-supervisor.ts) in a Node process of its own. Every creator call
 * passes through the supervisor's router and watchdog; in the process that also runs the
 * facilitator, the CLI or a benchmark's clients, that work would share one thread with them (and
 * a busy parent would delay the watchdog's heartbeats). Production has no such hop at all: the
 * dispatch namespace runs creator workers beside the gateway.
 */
export async function startCreatorSupervisorProcess(
  options: CreatorSupervisorOptions,
): Promise<CreatorSupervisor> {
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
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      killGroup();
      // Creator calls now fail (each a 502, never charged) until the stack is started again.
      if (!stopping)
        console.error(
          `402claw: the creator supervisor's process stopped (${signal ?? `exit code ${code}`}); creator APIs answer 502 until the stack restarts`,
        );
      resolve();
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
  const ask = <T>(request: Request): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null)
        return reject(new Error("the creator supervisor's process exited"));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id } as SupervisorRequest);
    });

  let address: string;
  try {
    address = await ask<string>({ op: "start", options });
  } catch (error) {
    stopping = true;
    killGroup();
    throw error;
  }
  return {
    address,
    deploy: (workerName, script, data, dispatchOptions) =>
      ask({ op: "deploy", workerName, script, data, options: dispatchOptions }),
    remove: (workerName) => ask({ op: "remove", workerName }),
    restarts: (workerName) => ask<number>({ op: "restarts", workerName }),
    nextCall: (workerName) => ask({ op: "nextCall", workerName }),
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ op: "stop", id: -1 } satisfies SupervisorRequest);
      const timer = setTimeout(killGroup, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
