import type { Channel } from "@x402/evm/batch-settlement/server";

/** What one charged voucher paid for: recorded with the channel update that charged it. */
export interface ChargeInput {
  apiSlug: string;
  payTo: string;
  network: string;
  asset: string;
}

/** A channel as stored, with the version a compare-and-set must name. */
export interface StoredChannel {
  channel: Channel;
  version: number;
}

/** Written (with the new version); or not: lost the race (`current` won), or `refused` (says why). */
export type ChannelWrite =
  | { ok: true; version: number }
  | { ok: false; current: StoredChannel | null; refused?: string };

/** Where a charged voucher is: charged (served, owed), claimed on chain, settled into the split. */
export type VoucherState = "charged" | "claimed" | "settled";

/** One charged voucher: the amount its call added to the channel's running total. */
export interface VoucherRecord {
  channelId: string;
  payer: string;
  cumulative: string;
  amount: string;
  apiSlug: string;
  payTo: string;
  network: string;
  asset: string;
  state: VoucherState;
  claimTx: string | null;
  settleTx: string | null;
  createdAt: number;
  updatedAt: number;
}
