import { type Cost, costSummary } from "./pay-costs.ts";
import type { Tally } from "./pay-phase.ts";
import type { FacilitatorMarks } from "./pay-timing-proxy.ts";
import { percentile, type Summary, summarise } from "./stats.ts";
import { formatTable, ms } from "./table.ts";

/** One side at one concurrency. */
export interface Measured {
  label: string;
  payers: number;
  tally: Tally;
}

export const balanceOk = (m: Measured): boolean => m.tally.received === m.tally.expected;

const summaryOf = (m: Measured): Summary => summarise(m.tally.result);
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "n/a");
const p = (values: readonly number[], at: number) =>
  percentile(
    [...values].sort((a, b) => a - b),
    at,
  );

/** Throughput, latency and the chain's proof of payment, ours next to the baseline per concurrency. */
export function sideTable(pairs: ReadonlyArray<readonly [Measured, Measured]>): string {
  const rows: string[][] = [];
  for (const [ours, baseline] of pairs) {
    for (const m of [ours, baseline]) {
      const s = summaryOf(m);
      rows.push([
        m.label,
        String(m.payers),
        String(s.requests),
        s.rps.toFixed(1),
        ms(s.p50),
        ms(s.p99),
        String(s.errors),
        `${m.tally.received} / ${m.tally.expected} ${balanceOk(m) ? "ok" : "WRONG"}`,
      ]);
    }
    const [a, b] = [summaryOf(ours), summaryOf(baseline)];
    rows.push([
      "  ratio ours/baseline",
      "",
      "",
      ratio(a.rps, b.rps),
      ratio(a.p50, b.p50),
      ratio(a.p99, b.p99),
      "",
      "",
    ]);
  }
  return formatTable(
    ["side", "payers", "paid calls", "req/s", "p50 ms", "p99 ms", "errors", "payTo +units / expected"],
    rows,
  );
}

/**
 * The local facilitator polls for receipts every 250 ms (facilitator/config.ts); a settle whose
 * receipt is not there at the first look costs a whole interval. The share of paid legs this
 * slow shows how much of a tail is that poll rather than the server under test.
 */
const SLOW_LEG_MS = 250;
const share = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "n/a");

/**
 * Where a paid call's time goes: its two HTTP legs, the client's remainder (p50 total minus the
 * legs' p50s, an estimate), and CPU per call of each process involved.
 */
export function breakdownTable(measured: readonly Measured[]): string {
  return formatTable(
    [
      "side",
      "payers",
      "402 leg p50",
      "paid leg p50",
      "paid leg p99",
      `paid legs >= ${SLOW_LEG_MS} ms`,
      "client rest p50",
      "CPU/call: server",
      "creator processes",
      "anvil",
      "clients+facilitator",
    ],
    measured.map((m) => {
      const calls = m.tally.result.latencies.length || Number.NaN;
      const legs = m.tally.legs.paid.map((leg) => leg.end - leg.start);
      const quote = p(m.tally.legs.quote, 50);
      const paid = p(legs, 50);
      return [
        m.label,
        String(m.payers),
        ms(quote),
        ms(paid),
        ms(p(legs, 99)),
        share(legs.filter((leg) => leg >= SLOW_LEG_MS).length, legs.length),
        ms(summaryOf(m).p50 - quote - paid),
        ms(m.tally.cpu.server / calls),
        ms(m.tally.cpu.creators / calls),
        ms(m.tally.cpu.anvil / calls),
        ms(m.tally.cpu.bench / calls),
      ];
    }),
  );
}

/**
 * Inside the paid leg, lined up by nonce with the timing proxy: the server's own work before
 * verify, between verify and settle (ours: ledger claim, creator, ledger writes; baseline: its
 * handler) and after settle, next to the facilitator's verify and settle as the server saw them.
 */
export function paidLegTable(
  measured: readonly Measured[],
  marks: ReadonlyMap<string, FacilitatorMarks>,
): string {
  const steps = ["before verify", "verify", "verify -> settle", "settle", "after settle"] as const;
  const rows = measured.map((m) => {
    const samples: number[][] = steps.map(() => []);
    for (const leg of m.tally.legs.paid) {
      const mark = marks.get(leg.nonce);
      if (mark?.verifyStart === undefined || mark.verifyEnd === undefined) continue;
      if (mark.settleStart === undefined || mark.settleEnd === undefined) continue;
      const cuts = [leg.start, mark.verifyStart, mark.verifyEnd, mark.settleStart, mark.settleEnd, leg.end];
      steps.forEach((_, index) => {
        samples[index]!.push(cuts[index + 1]! - cuts[index]!);
      });
    }
    return [
      m.label,
      String(m.payers),
      String(samples[0]!.length),
      ...samples.map((values) => `${ms(p(values, 50))} / ${ms(p(values, 99))}`),
    ];
  });
  return formatTable(["side (p50 / p99 ms)", "payers", "calls", ...steps], rows);
}

export function costTable(costs: readonly Cost[]): string {
  return formatTable(
    ["step of one paid call (sequential, unloaded)", "n", "p50 ms", "p99 ms"],
    costs.map((cost) => {
      const { n, p50, p99 } = costSummary(cost);
      return [cost.what, String(n), ms(p50), ms(p99)];
    }),
  );
}

/** The targets, judged under load; a MISS is printed, never thrown. */
export function targetTable(ours: Measured, baseline: Measured): string {
  const [a, b] = [summaryOf(ours), summaryOf(baseline)];
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  return formatTable(
    ["target (" + ours.payers + " payers)", "ours", "baseline", "result"],
    [
      ["paid-call p99 no worse than baseline (ms)", ms(a.p99), ms(b.p99), verdict(a.p99 <= b.p99)],
      ["throughput at least baseline (req/s)", a.rps.toFixed(1), b.rps.toFixed(1), verdict(a.rps >= b.rps)],
    ],
  );
}
