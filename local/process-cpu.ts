import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { listProcesses, readProcStat } from "./proc-stat.ts";

/**
 * CPU time (user + system, ms) a process has used so far, from /proc; NaN where /proc cannot
 * tell (not Linux, or the process is gone).
 */
export function processCpuMs(pid: number): number {
  return readProcStat(pid)?.cpuMs ?? Number.NaN;
}

/**
 * The pid of this process's child that listens on a loopback TCP port, from /proc (Miniflare
 * does not expose its workerd's pid); undefined where /proc cannot tell.
 */
export function childListeningOn(port: number): number | undefined {
  try {
    const inode = listeningInode(port);
    if (inode === undefined) return undefined;
    for (const pid of childPids()) {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`)) return pid;
    }
  } catch {
    // Not Linux, or /proc is not readable here.
  }
  return undefined;
}

function listeningInode(port: number): string | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT" in hex; state 0A is LISTEN; column 9 is the socket's inode.
      if (columns[1]?.endsWith(`:${hexPort}`) && columns[3] === "0A") return columns[9];
    }
  }
  return undefined;
}

function childPids(): number[] {
  return listProcesses()
    .filter((found) => found.parent === process.pid)
    .map((found) => found.pid);
}

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
