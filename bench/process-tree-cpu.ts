import { availableParallelism } from "node:os";
import { commandLine, listProcesses } from "../local/proc-stat.ts";

/** CPU ms used so far by this process and each process under it, by pid, with a readable role. */
export type CpuSnapshot = Map<number, { role: string; ms: number }>;

/**
 * Reads /proc (Linux; elsewhere the snapshot is empty and the report skips it). Roles follow the
 * local stack's shape: this process runs the clients (and the facilitator), its workerd child is
 * the gateway, the creator supervisor is a Node child whose workerd children run creator code.
 */
export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  const processes = new Map(listProcesses().map((found) => [found.pid, found]));
  const names = new Map([...processes.keys()].map((pid) => [pid, commandLine(pid)]));
  const isSupervisor = (pid: number | undefined) =>
    pid !== undefined && (names.get(pid) ?? "").includes("creator-supervisor-main");
  const role = (pid: number): string | undefined => {
    if (pid === process.pid) return "clients and facilitator (this process)";
    const parent = processes.get(pid)?.parent;
    const name = names.get(pid) ?? "";
    if (isSupervisor(pid)) return CREATOR_SUPERVISOR;
    if (isSupervisor(parent) && name.includes("workerd")) return CREATOR_CODE;
    if (parent !== process.pid) return undefined;
    if (name.includes("workerd")) return "gateway (workerd)";
    if (name.includes("anvil")) return "anvil";
    return undefined;
  };
  for (const { pid, cpuMs } of processes.values()) {
    const found = role(pid);
    if (found) snapshot.set(pid, { role: found, ms: cpuMs });
  }
  return snapshot;
}

const CREATOR_SUPERVISOR = "creator supervisor (Node)";
const CREATOR_CODE = "creator code (workerd)";

/**
 * CPU ms the local creator processes (the supervisor and the workerd processes running creator
 * code) used so far: the hop the local stack adds to every creator call; production has none.
 */
export function creatorProcessesCpuMs(snapshot: CpuSnapshot = cpuSnapshot()): number {
  let total = 0;
  for (const { role, ms } of snapshot.values())
    if ((role === CREATOR_SUPERVISOR || role === CREATOR_CODE) && Number.isFinite(ms)) total += ms;
  return total;
}

/** CPU ms per call by role between two snapshots, and what that allows on this machine's cores. */
export function cpuPerCall(before: CpuSnapshot, after: CpuSnapshot, calls: number): string {
  const byRole = new Map<string, number>();
  for (const [pid, { role, ms }] of after) {
    const used = ms - (before.get(pid)?.ms ?? ms);
    // A process that started or ended between the snapshots is left out.
    if (Number.isFinite(used)) byRole.set(role, (byRole.get(role) ?? 0) + used / calls);
  }
  if (byRole.size === 0) return "CPU per call: not readable here (no /proc)";
  const total = [...byRole.values()].reduce((sum, ms) => sum + ms, 0);
  const cores = availableParallelism();
  const parts = [...byRole]
    .sort((a, b) => b[1] - a[1])
    .map(([role, ms]) => `${role} ${ms.toFixed(2)}`)
    .join(" + ");
  return `CPU per call (ms): ${parts} = ${total.toFixed(2)}; ${cores} cores allow at most ${((cores * 1000) / total).toFixed(0)} calls/s`;
}
