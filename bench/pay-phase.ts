import type { Address } from "viem";
import type { LoadResult } from "./load.ts";
import { emptyLegs, type Legs } from "./pay-legs.ts";
import { runPaidLoad } from "./pay-load.ts";
import { creatorProcessesCpuMs } from "./process-tree-cpu.ts";
import { cpuMs } from "./workerd-process.ts";

/** One side at one concurrency, summed over its rounds. */
export interface Tally {
  result: LoadResult;
  legs: Legs;
  /**
   * CPU ms spent during the measured calls by: the answering server, the local creator processes
   * (our side's creator hop), anvil, and this process (clients + facilitator).
   */
  cpu: { server: number; creators: number; anvil: number; bench: number };
  /** payTo's balance increase over the measured calls, and calls × price. */
  received: bigint;
  expected: bigint;
}

export const emptyTally = (): Tally => ({
  result: { latencies: [], elapsedMs: 0, errors: 0 },
  legs: emptyLegs(),
  cpu: { server: 0, creators: 0, anvil: 0, bench: 0 },
  received: 0n,
  expected: 0n,
});

export interface Phase {
  url: string;
  /** Paying fetches, built on legTimedFetch(tally.legs) so the tally gets each leg's time. */
  payers: ReadonlyArray<typeof fetch>;
  calls: number;
  expectedBody: string;
  serverPid: number | undefined;
  anvilPid: number;
  payTo: Address;
  price: bigint;
  balanceOf(address: Address): Promise<bigint>;
}

/** Runs one round of paid calls and adds its latencies, CPU and chain balance change to `tally`. */
export async function runPhase(phase: Phase, tally: Tally): Promise<void> {
  const balanceBefore = await phase.balanceOf(phase.payTo);
  const cpuBefore = cpuNow(phase);
  const result = await runPaidLoad({
    url: phase.url,
    payers: phase.payers,
    calls: phase.calls,
    expectedBody: phase.expectedBody,
  });
  const cpuAfter = cpuNow(phase);
  // Each 200 arrives only after its settlement's receipt, so the chain is final here.
  tally.received += (await phase.balanceOf(phase.payTo)) - balanceBefore;
  tally.expected += BigInt(phase.calls) * phase.price;
  tally.result.latencies.push(...result.latencies);
  tally.result.elapsedMs += result.elapsedMs;
  tally.result.errors += result.errors;
  tally.result.firstError ??= result.firstError;
  tally.cpu.server += cpuAfter.server - cpuBefore.server;
  tally.cpu.creators += cpuAfter.creators - cpuBefore.creators;
  tally.cpu.anvil += cpuAfter.anvil - cpuBefore.anvil;
  tally.cpu.bench += cpuAfter.bench - cpuBefore.bench;
}

function cpuNow(phase: Phase) {
  const own = process.cpuUsage();
  return {
    server: phase.serverPid === undefined ? Number.NaN : cpuMs(phase.serverPid),
    creators: creatorProcessesCpuMs(),
    anvil: cpuMs(phase.anvilPid),
    bench: (own.user + own.system) / 1000,
  };
}
