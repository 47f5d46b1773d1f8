import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { readProcStat } from "./proc-stat.ts";

/**
 * What a killed `npm start` leaves behind. Ctrl-C and SIGTERM stop the whole stack, and the
 * creator supervisor stops itself when its parent goes; but a SIGKILL or an out-of-memory kill of
 * the `npm start` process leaves anvil and the gateway's workerd running on their ports, and the
 * next start would fail with "port in use". So the stack records its processes here, and the next
 * start stops them, once the start that recorded them is gone.
 */
interface RecordedProcess {
  role: string;
  pid: number;
  /** When it started (clock ticks since boot): a pid reused by another program never matches. */
  startTime: string;
}

interface ProcessFile {
  owner: RecordedProcess;
  processes: RecordedProcess[];
}

/** Records the stack's processes (those whose pid is known) as owned by this process. */
export function recordStackProcesses(
  file: string,
  processes: Array<{ role: string; pid: number | undefined }>,
) {
  const owner = identify("402claw", process.pid);
  if (!owner) return; // no /proc: nothing could be checked later either
  const known = processes.flatMap(({ role, pid }) => (pid === undefined ? [] : [identify(role, pid)]));
  mkdirSync(dirname(file), { recursive: true });
  const record: ProcessFile = { owner, processes: known.filter((found) => found !== undefined) };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function forgetStackProcesses(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Stops what an earlier start recorded, if that start is no longer running and they still are
 * (SIGTERM, so anvil writes its state; SIGKILL after 5 s). Returns what it stopped, e.g. "anvil (pid 12)".
 */
export async function stopLeftoverProcesses(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  let record: ProcessFile;
  try {
    record = JSON.parse(readFileSync(file, "utf8")) as ProcessFile;
  } catch {
    forgetStackProcesses(file);
    return [];
  }
  // Another start of this project still runs: its processes are its own, not leftovers.
  if (isRunning(record.owner)) return [];
  const left = (record.processes ?? []).filter(isRunning);
  for (const found of left) signal(found.pid, "SIGTERM");
  for (let waited = 0; waited < 5_000 && left.some(isRunning); waited += 100) await sleep(100);
  for (const found of left.filter(isRunning)) signal(found.pid, "SIGKILL");
  forgetStackProcesses(file);
  return left.map((found) => `${found.role} (pid ${found.pid})`);
}

function isRunning(recorded: RecordedProcess): boolean {
  return identify(recorded.role, recorded.pid)?.startTime === recorded.startTime;
}

function identify(role: string, pid: number): RecordedProcess | undefined {
  const stat = readProcStat(pid); // undefined: gone, or no /proc here
  return stat && stat.state !== "Z" ? { role, pid, startTime: stat.startTime } : undefined;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // It exited meanwhile.
  }
}
