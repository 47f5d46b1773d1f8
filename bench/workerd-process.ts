import { readdirSync, readFileSync } from "node:fs";

/**
 * Resident memory of the workerd processes this benchmark spawned, read from /proc (Linux only;
 * elsewhere the list is empty and the report skips it). Miniflare does not expose the pid.
 */
export function workerdProcesses(): Array<{ pid: number; rssMb: number; pssMb: number }> {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing paren.
      const close = stat.lastIndexOf(")");
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      parents.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const isOurs = (pid: number): boolean => {
    for (
      let current = parents.get(pid);
      current !== undefined && current > 1;
      current = parents.get(current)
    ) {
      if (current === process.pid) return true;
    }
    return false;
  };
  const found: Array<{ pid: number; rssMb: number; pssMb: number }> = [];
  for (const [pid, name] of names) {
    if (!name.includes("workerd") || !isOurs(pid)) continue;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readStatus(pid));
    // PSS splits pages shared between processes (the workerd binary) among them: the honest
    // per-process share when several workerd processes run.
    const pss = /Pss:\s+(\d+) kB/.exec(readSmapsRollup(pid));
    if (rss)
      found.push({ pid, rssMb: Number(rss[1]) / 1024, pssMb: pss ? Number(pss[1]) / 1024 : Number.NaN });
  }
  return found;
}

function readSmapsRollup(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {
    return "";
  }
}

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return "";
  }
}

/** CPU time (user + system, ms) a process has used so far; NaN when /proc cannot tell. */
export { processCpuMs as cpuMs } from "../local/process-cpu.ts";
