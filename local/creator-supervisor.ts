import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BINDINGS } from "../core/bindings.ts";
import { DEFAULT_CREATOR_CPU_MS } from "../core/creator-limits.ts";
import {
  type DispatchOptions,
  type LocalScript,
  OPTIONS_HEADER,
  SCRIPT_HEADER,
  WARM_SUFFIX,
} from "../runtime/local-namespace/protocol.ts";
import { CREATOR_HOST_WORKER, type CreatorHostOptions, creatorHostConfig } from "./creator-host.ts";
import { CreatorProcess, sendFault, type WatchSettings } from "./creator-process.ts";

/** The default shortest stall counted as a runaway (see WatchSettings.stallFloorMs). */
export const DEFAULT_STALL_FLOOR_MS = 250;
/** CPU a Python worker's warm-up may burn in one stretch (CPython's start: 2–3 s, more on a busy machine). */
export const PYTHON_START_ALLOWANCE_MS = 30_000;

export interface CreatorSupervisorOptions
  extends Omit<CreatorHostOptions, "persistDir">,
    Partial<WatchSettings> {
  /** Where each creator process keeps its scripts and data; undefined = a temp folder removed at stop. */
  stateDir?: string;
  /** The router's port on 127.0.0.1 (default: any free port). */
  port?: number;
}

/** A data API's dataset, put into its creator process's R2 before its worker. */
export interface CreatorData {
  key: string;
  body: Uint8Array | string;
  contentType: string;
}

/**
 * The local dispatch namespace's home: one supervised workerd process per creator worker, and a
 * loopback router the gateway's LOCAL_NAMESPACE binding points at. One process per API (not one
 * shared) so that a runaway creator, until it is stopped, delays no other API at all.
 */
export interface CreatorSupervisor {
  /** host:port of the router (the gateway's external service binding). */
  address: string;
  /**
   * Uploads (or replaces) a creator worker, starting its process when it is new. A Python worker
   * is warmed at once with `options` (the dispatch options the gateway will pass: the loaded
   * isolate keeps the first ones): its interpreter starts now, not on a caller's time.
   */
  deploy(
    workerName: string,
    script: LocalScript,
    data?: CreatorData,
    options?: DispatchOptions,
  ): Promise<void>;
  /** Removes a creator worker and stops its process. */
  remove(workerName: string): Promise<void>;
  /** How often a creator's process was stopped and restarted (tests, benchmarks). */
  restarts(workerName: string): Promise<number>;
  /** Resolves when the next call for a creator worker reaches its process (tests, benchmarks). */
  nextCall(workerName: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the router; creator processes start as their workers are deployed. */
export async function startCreatorSupervisor(options: CreatorSupervisorOptions): Promise<CreatorSupervisor> {
  const ownDir =
    options.stateDir === undefined ? mkdtempSync(join(tmpdir(), "402claw-creators-")) : undefined;
  const stateDir = options.stateDir ?? ownDir!;
  const settings: WatchSettings = {
    defaultCpuMs: options.defaultCpuMs ?? DEFAULT_CREATOR_CPU_MS,
    stallFloorMs: options.stallFloorMs ?? DEFAULT_STALL_FLOOR_MS,
  };
  const processes = new Map<string, CreatorProcess>();
  const callWaiters = new Map<string, Array<() => void>>();
  const server = createServer((req, res) => {
    const name = req.headers[SCRIPT_HEADER];
    const target = typeof name === "string" ? processes.get(name) : undefined;
    if (!target) {
      req.resume();
      return sendFault(res, "not_found", `Worker not found: ${String(name)}`);
    }
    for (const wake of callWaiters.get(name as string) ?? []) wake();
    callWaiters.delete(name as string);
    target
      .forward(req, res, parseOptions(req.headers[OPTIONS_HEADER]))
      .catch(() => sendFault(res, "crashed", "the creator's process could not take the call"));
  });
  // The gateway's workerd keeps connections open; never close one under it.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject); // a taken port: the caller picks another
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  // The last script uploaded per worker: the stand-in keeps secrets in memory only, so a
  // restarted process gets its script again (and a Python one is warmed again).
  const lastScripts = new Map<string, { script: LocalScript; options: DispatchOptions }>();
  const warm = async (creator: CreatorProcess, origin: URL, workerName: string, options: DispatchOptions) => {
    const answer = await creator.whileStarting(PYTHON_START_ALLOWANCE_MS, () =>
      fetch(new URL(`/scripts/${workerName}${WARM_SUFFIX}`, origin), {
        method: "POST",
        body: JSON.stringify(options),
      }),
    );
    const result = (await answer.json()) as { error?: string };
    if (!answer.ok) throw new Error(result.error ?? `warming ${workerName} failed`);
  };
  const upload = async (origin: URL, workerName: string, script: LocalScript) => {
    const answer = await fetch(new URL(`/scripts/${workerName}`, origin), {
      method: "PUT",
      body: JSON.stringify(script),
    });
    if (!answer.ok) throw new Error(`uploading ${workerName} failed: ${await answer.text()}`);
  };
  const pythonProcesses = new Set<string>();
  const processFor = async (workerName: string, python: boolean): Promise<CreatorProcess> => {
    let creator = processes.get(workerName);
    if (creator && pythonProcesses.has(workerName) !== python) {
      // A JS API became a Python one (or back): its process needs other bindings.
      processes.delete(workerName);
      await creator.dispose();
      creator = undefined;
    }
    if (!creator) {
      const config = creatorHostConfig({ ...options, python, persistDir: join(stateDir, workerName) });
      const started = new CreatorProcess(config, settings);
      started.afterRestart = async (origin) => {
        const last = lastScripts.get(workerName);
        if (!last || (!last.script.secrets && !last.script.python)) return;
        await upload(origin, workerName, last.script);
        if (last.script.python) await warm(started, origin, workerName, last.options);
      };
      creator = started;
      processes.set(workerName, creator);
      if (python) pythonProcesses.add(workerName);
      else pythonProcesses.delete(workerName);
    }
    return creator;
  };

  return {
    address: `127.0.0.1:${port}`,
    async deploy(workerName, script, data, dispatchOptions = {}) {
      const creator = await processFor(workerName, Boolean(script.python));
      await creator.whenReady();
      if (data) {
        const bucket = await creator.miniflare.getR2Bucket(BINDINGS.data, CREATOR_HOST_WORKER);
        await bucket.put(data.key, data.body, { httpMetadata: { contentType: data.contentType } });
      }
      const origin = await creator.url();
      await upload(origin, workerName, script);
      lastScripts.set(workerName, { script, options: dispatchOptions });
      if (script.python) await warm(creator, origin, workerName, dispatchOptions);
    },
    async remove(workerName) {
      const creator = processes.get(workerName);
      processes.delete(workerName);
      lastScripts.delete(workerName);
      pythonProcesses.delete(workerName);
      await creator?.dispose();
      rmSync(join(stateDir, workerName), { recursive: true, force: true });
    },
    restarts: async (workerName) => processes.get(workerName)?.restarts ?? 0,
    nextCall: (workerName) =>
      new Promise<void>((resolve) => {
        callWaiters.set(workerName, [...(callWaiters.get(workerName) ?? []), resolve]);
      }),
    async stop() {
      await Promise.all([...processes.values()].map((creator) => creator.dispose()));
      processes.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

function parseOptions(header: string | string[] | undefined): DispatchOptions {
  try {
    return typeof header === "string" ? (JSON.parse(header) as DispatchOptions) : {};
  } catch {
    return {};
  }
}
