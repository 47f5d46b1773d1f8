import { readFileSync } from "node:fs";
import { listProcesses } from "../local/proc-stat.ts";

/**
 * Resident memory of the workerd processes this benchmark spawned, read from /proc (Linux only;
 * elsewhere the list is empty and the report skips it). Miniflare does not expose the pid.
 */
export function workerdProcesses(): Array<{ pid: number; rssMb: number; pssMb: number }> {
  const processes = listProcesses();
  const parents = new Map(processes.map((found) => [found.pid, found.parent]));
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
  for (const { pid, name } of processes) {
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
