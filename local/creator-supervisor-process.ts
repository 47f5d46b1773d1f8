import { setTimeout as sleep } from "node:timers/promises";
import { startOnPort } from "../chain/free-port.ts";
import type { DispatchOptions, LocalScript } from "../runtime/local-namespace/protocol.ts";
import type { CreatorData, CreatorSupervisor, CreatorSupervisorOptions } from "./creator-supervisor.ts";
import { type SupervisorChild, startSupervisorChild } from "./creator-supervisor-child.ts";

/** How a dead supervisor process is started again. */
export interface RevivalOptions {
  /** Wait before starting it again (a crash loop must not spin). */
  delayMs?: number;
  /** At most this many revivals within `windowMs`; past it the process stays down until the stack restarts. */
  limit?: number;
  windowMs?: number;
}

/** The supervisor in its own process, started again (same router address, same APIs) if it dies. */
export interface CreatorSupervisorProcess extends CreatorSupervisor {
  /** How often the process died and was started again. */
  readonly revivals: number;
  /** The supervisor's current process. */
  readonly pid: number;
  /** Resolves once the process is running with every deployed API (at once unless it is being revived). */
  running(): Promise<void>;
}

interface Deployment {
  script: LocalScript;
  data: CreatorData | undefined;
  options: DispatchOptions | undefined;
}

/**
 * The creator supervisor (creator-supervisor.ts) in a Node process of its own. Every creator call
 * passes through the supervisor's router and watchdog; in the process that also runs the
 * facilitator, the CLI or a benchmark's clients, that work would share one thread with them (and
 * a busy parent would delay the watchdog's heartbeats). Production has no such hop at all: the
 * dispatch namespace runs creator workers beside the gateway.
 *
 * If the process dies (a SIGKILL, an out-of-memory kill), its creator processes die with it and
 * creator calls answer 502, never charged; it is then started again on the same router address
 * and every API deployed to it is deployed again, from the copies kept here.
 */
export async function startCreatorSupervisorProcess(
  options: CreatorSupervisorOptions,
  revival: RevivalOptions = {},
): Promise<CreatorSupervisorProcess> {
  const { delayMs = 1_000, limit = 3, windowMs = 5 * 60_000 } = revival;
  // A port below the ephemeral range, so that no outgoing connection holds it when it is needed again.
  let child = await startOnPort(options.port ?? 0, (port) => startSupervisorChild({ ...options, port }));
  const address = child.address;
  const port = Number(address.slice(address.lastIndexOf(":") + 1));
  const deployed = new Map<string, Deployment>();
  const revivedAt: number[] = [];
  let stopping = false;
  let ready: Promise<void> = Promise.resolve();

  const revive = async (how: string) => {
    const now = Date.now();
    if (revivedAt.filter((at) => now - at < windowMs).length >= limit) {
      console.error(
        `402claw: the creator supervisor's process stopped (${how}); it was started again ${limit} time(s) in the last ${windowMs / 1000} s, so creator APIs answer 502 until the stack restarts`,
      );
      return;
    }
    console.error(
      `402claw: the creator supervisor's process stopped (${how}); creator APIs answer 502 while it starts again`,
    );
    await sleep(delayMs);
    if (stopping) return;
    try {
      child = await startSupervisorChild({ ...options, port });
      revivedAt.push(Date.now());
      watch(child);
      for (const [workerName, { script, data, options: dispatchOptions }] of deployed) {
        await child
          .ask({ op: "deploy", workerName, script, data, options: dispatchOptions })
          .catch((error: Error) =>
            console.error(`402claw: redeploying ${workerName} failed: ${error.message}`),
          );
      }
      console.error(
        `402claw: the creator supervisor runs again; creator workers redeployed: ${deployed.size}`,
      );
    } catch (error) {
      console.error(
        `402claw: the creator supervisor could not start again (${(error as Error).message}); creator APIs answer 502 until the stack restarts`,
      );
    }
  };
  const watch = (watched: SupervisorChild) => {
    void watched.exited.then((how) => {
      if (!stopping && watched === child) ready = revive(how);
    });
  };
  watch(child);

  const ask = async <T>(request: Parameters<SupervisorChild["ask"]>[0]) => {
    await ready;
    return child.ask<T>(request);
  };
  return {
    address,
    get revivals() {
      return revivedAt.length;
    },
    get pid() {
      return child.pid;
    },
    running: () => ready,
    async deploy(workerName, script, data, dispatchOptions) {
      deployed.set(workerName, { script, data, options: dispatchOptions });
      await ask({ op: "deploy", workerName, script, data, options: dispatchOptions });
    },
    async remove(workerName) {
      deployed.delete(workerName);
      await ask({ op: "remove", workerName });
    },
    restarts: (workerName) => ask<number>({ op: "restarts", workerName }),
    nextCall: (workerName) => ask({ op: "nextCall", workerName }),
    async stop() {
      stopping = true;
      await ready;
      await child.stop();
    },
  };
}
