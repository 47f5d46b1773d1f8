import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isPortInUse } from "./free-port.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

export interface StartAnvilOptions {
  port?: number;
  chainId?: number;
  /** anvil only ever listens on loopback here; the option exists to make that explicit. */
  host?: "127.0.0.1";
  /** Chain state file: loaded at start if present, written on exit (and every `stateIntervalSeconds`). */
  stateFile?: string;
  /** Also dump state periodically, so a crash loses at most this many seconds. Default 10 with stateFile. */
  stateIntervalSeconds?: number;
  /** anvil's own log; default: none (`--silent`). */
  logFile?: string;
  /** How long to wait for the RPC to answer. Default 15 s. */
  readyTimeoutMs?: number;
}

export interface AnvilHandle {
  rpcUrl: string;
  chainId: number;
  pid: number;
  /** Stops anvil (SIGTERM, so it writes its state file) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a local anvil chain on 127.0.0.1 and resolves once its JSON-RPC answers. */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<AnvilHandle> {
  const port = options.port ?? 8545;
  const chainId = options.chainId ?? 31337;
  const host = "127.0.0.1";
  const rpcUrl = `http://${host}:${port}`;

  if (await isPortInUse(port, host)) {
    throw new Error(
      `cannot start anvil: port ${port} on ${host} is already in use. Stop whatever listens there or pick another port.`,
    );
  }

  const args = ["--host", host, "--port", String(port), "--chain-id", String(chainId)];
  if (options.stateFile) {
    mkdirSync(dirname(options.stateFile), { recursive: true });
    args.push("--state", options.stateFile, "--state-interval", String(options.stateIntervalSeconds ?? 10));
  }
  let stdio: "ignore" | number = "ignore";
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    stdio = openSync(options.logFile, "a");
  } else {
    args.push("--silent");
  }

  const child = spawn(anvilBinary(), args, {
    stdio: ["ignore", stdio, stdio],
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (typeof stdio === "number") closeSync(stdio); // the child holds its own copy of the log fd
  // Other exit handlers (Miniflare's, on SIGINT/SIGTERM) may end this process before an async
  // stop() runs; this synchronous hook still tells anvil to stop (it saves its state on SIGTERM).
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("exit", stopOnExit);
  const exited = new Promise<number | null>((res) =>
    child.once("exit", (code) => {
      process.removeListener("exit", stopOnExit);
      res(code);
    }),
  );
  const spawnError = new Promise<Error>((res) => child.once("error", res));

  try {
    await waitForRpc(rpcUrl, chainId, options.readyTimeoutMs ?? 15_000, exited, spawnError);
  } catch (error) {
    await kill(child, exited);
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("anvil started without a pid");

  return { rpcUrl, chainId, pid, stop: () => kill(child, exited) };
}

// The npm wrapper (node_modules/.bin/anvil) is a Node script that spawns the native binary;
// running the native binary directly means the PID we hold is anvil itself.
function anvilBinary(): string {
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  try {
    const binary = join(dirname(require.resolve(`${platformPackage}/package.json`)), "bin", "anvil");
    if (existsSync(binary)) return binary;
  } catch {
    // fall back to the wrapper below
  }
  return join(repoRoot, "node_modules", ".bin", "anvil");
}

async function waitForRpc(
  rpcUrl: string,
  chainId: number,
  timeoutMs: number,
  exited: Promise<number | null>,
  spawnError: Promise<Error>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failure: string | undefined;
  void exited.then((code) => {
    failure ??= `anvil exited with code ${code} before its RPC answered (port taken? pass logFile to see why)`;
  });
  void spawnError.then((e) => {
    failure ??= `could not run anvil: ${e.message}`;
  });
  while (Date.now() < deadline) {
    if (failure) throw new Error(failure);
    const answered = await rpcChainId(rpcUrl);
    if (answered !== undefined) {
      if (answered !== chainId)
        throw new Error(`anvil at ${rpcUrl} reports chain id ${answered}, expected ${chainId}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(failure ?? `anvil did not answer on ${rpcUrl} within ${timeoutMs} ms`);
}

/**
 * Reads the chain's block time from `CHAIN_BLOCK_TIME` (whole seconds; unset, empty or 0 = mine
 * each transaction at once). A bad value is an error that names the variable.
 */
export function blockTimeFromEnv(env: Record<string, string | undefined> = process.env): number | undefined {
  return parseBlockTime(env.CHAIN_BLOCK_TIME, "CHAIN_BLOCK_TIME");
}

/** Parses a block time in whole seconds (0 or empty = instant mining); `source` names the setting in errors. */
export function parseBlockTime(value: string | undefined, source: string): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
    throw new Error(
      `${source} must be a whole number of seconds between 0 and 3600 (got "${value}"); 0 mines at once`,
    );
  }
  return seconds === 0 ? undefined : seconds;
}

/**
 * Makes anvil mine a block every `seconds` (as a real chain does; Base: 2 s) instead of one per
 * transaction; `undefined` or 0 switches back to mining at once.
 */
export async function setBlockTime(rpcUrl: string, seconds: number | undefined): Promise<void> {
  const call = (method: string, params: unknown[]) =>
    fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    }).then(async (response) => {
      const body = (await response.json()) as { error?: { message: string } };
      if (body.error) throw new Error(`${method} failed at ${rpcUrl}: ${body.error.message}`);
    });
  if (seconds) await call("evm_setIntervalMining", [seconds]);
  else await call("evm_setAutomine", [true]);
}

async function rpcChainId(rpcUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    const body = (await response.json()) as { result?: string };
    return body.result ? Number(body.result) : undefined;
  } catch {
    return undefined;
  }
}

async function kill(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  // anvil writes its state file on SIGTERM; give it time, then make sure it is gone.
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
