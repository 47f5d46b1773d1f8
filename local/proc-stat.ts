import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ). */
const MS_PER_TICK = 10;

/** One process as /proc/<pid>/stat describes it (Linux). */
export interface ProcStat {
  pid: number;
  /** The executable's short name (comm), e.g. "workerd". */
  name: string;
  /** "R", "S", ...; "Z" for one that exited and was not reaped yet. */
  state: string;
  parent: number;
  /** CPU time (user + system) used so far, ms. */
  cpuMs: number;
  /** When it started, in clock ticks since boot: with the pid, it tells a reused pid apart. */
  startTime: string;
}

/** The process's stat, or undefined when it is gone or there is no /proc (not Linux). */
export function readProcStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing paren.
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  return {
    pid,
    name: stat.slice(stat.indexOf("(") + 1, close),
    state: fields[0]!,
    parent: Number(fields[1]),
    cpuMs: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK,
    startTime: fields[19]!,
  };
}

/** Every process /proc lists (empty where there is none). */
export function listProcesses(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return entries.flatMap((entry) => readProcStat(Number(entry)) ?? []); // gone meanwhile: skipped
}

/** The process's command line, arguments joined by spaces ("" once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}
