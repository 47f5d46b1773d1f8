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
} from "../runtime/local-namespace/protocol.ts";
import { CREATOR_HOST_WORKER, type CreatorHostOptions, creatorHostConfig } from "./creator-host.ts";
import { CreatorProcess, sendFault, type WatchSettings } from "./creator-process.ts";

/** The default shortest stall counted as a runaway (see WatchSettings.stallFloorMs). */
export const DEFAULT_STALL_FLOOR_MS = 250;

export interface CreatorSupervisorOptions
  extends Omit<CreatorHostOptions, "persistDir">,
    Partial<WatchSettings> {
  /** Where each creator process keeps its scripts and data; undefined = a temp folder removed at stop. */
  stateDir?: string;
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
  /** Uploads (or replaces) a creator worker, starting its process when it is new. */
  deploy(workerName: string, script: LocalScript, data?: CreatorData): Promise<void>;
  /** Removes a creator worker and stops its process. */
  remove(workerName: string): Promise<void>;
  /** How often a creator's process was stopped and restarted (tests, benchmarks). */
  restarts(workerName: string): number;
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  // The last script uploaded per worker: the stand-in keeps secrets in memory only, so a
  // restarted process gets its script again.
  const lastScripts = new Map<string, LocalScript>();
  const upload = async (origin: URL, workerName: string, script: LocalScript) => {
    const answer = await fetch(new URL(`/scripts/${workerName}`, origin), {
      method: "PUT",
      body: JSON.stringify(script),
    });
    if (!answer.ok) throw new Error(`uploading ${workerName} failed: ${await answer.text()}`);
  };
  const processFor = (workerName: string): CreatorProcess => {
    let creator = processes.get(workerName);
    if (!creator) {
      const config = creatorHostConfig({ ...options, persistDir: join(stateDir, workerName) });
      creator = new CreatorProcess(config, settings);
      creator.afterRestart = async (origin) => {
        const script = lastScripts.get(workerName);
        if (script?.secrets) await upload(origin, workerName, script);
      };
      processes.set(workerName, creator);
    }
    return creator;
  };

  return {
    address: `127.0.0.1:${port}`,
    async deploy(workerName, script, data) {
      const creator = processFor(workerName);
      await creator.whenReady();
      if (data) {
        const bucket = await creator.miniflare.getR2Bucket(BINDINGS.data, CREATOR_HOST_WORKER);
        await bucket.put(data.key, data.body, { httpMetadata: { contentType: data.contentType } });
      }
      await upload(await creator.url(), workerName, script);
      lastScripts.set(workerName, script);
    },
    async remove(workerName) {
      const creator = processes.get(workerName);
      processes.delete(workerName);
      lastScripts.delete(workerName);
      await creator?.dispose();
      rmSync(join(stateDir, workerName), { recursive: true, force: true });
    },
    restarts: (workerName) => processes.get(workerName)?.restarts ?? 0,
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
