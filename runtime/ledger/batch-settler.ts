import type { FacilitatorClient } from "@x402/core/server";
import type { Network } from "@x402/core/types";
import {
  type AuthorizerSigner,
  BatchSettlementChannelManager,
  BatchSettlementEvmScheme,
  type Channel,
  type ChannelStorage,
  InMemoryChannelStorage,
} from "@x402/evm/batch-settlement/server";
import { type ChannelStore, LedgerChannelStorage } from "./channel-store.ts";

/** At most this many channel rows per claim transaction (the scheme's default batch). */
export const MAX_CLAIMS_PER_TRANSACTION = 100;

/** What a settlement run did, transaction by transaction. */
export interface SettlementRun {
  claims: Array<{ payTo: string; vouchers: number; transaction: string }>;
  settles: Array<{ payTo: string; transaction: string }>;
  refunds: Array<{ channel: string; transaction: string }>;
  errors: string[];
}

export interface SettlerConfig {
  facilitator: FacilitatorClient;
  signer: AuthorizerSigner;
  network: Network;
  asset: `0x${string}`;
  withdrawDelaySeconds: number;
}

/**
 * Claims and settles one payer's channels with the SDK's channel manager (off the request path):
 * outstanding vouchers are claimed in batches of ≤ 100 channel rows, each claim recorded on the
 * vouchers it covers, then every receiver (an API's split) with claimed funds is settled (unless
 * `settle: false`: the caller settles each receiver once for many payers).
 * Optionally refunds channels idle for `refundIdleSeconds` cooperatively.
 */
export async function settleChannels(
  store: ChannelStore,
  config: SettlerConfig,
  options: { refundIdleSeconds?: number; settle?: boolean } = {},
): Promise<SettlementRun> {
  const run: SettlementRun = { claims: [], settles: [], refunds: [], errors: [] };
  const storage = new LedgerChannelStorage(store);
  const outstanding = store.list().filter(owesClaim);
  await claimInBatches(outstanding, storage, config, run, (channel, transaction) => {
    store.markClaimed(channel.channelId, channel.chargedCumulativeAmount, transaction);
  });
  if (options.refundIdleSeconds !== undefined)
    await refundIdle(store, storage, config, options.refundIdleSeconds, run);
  if (options.settle === false) return run;
  for (const { payTo } of store.claimedReceivers()) {
    try {
      const transaction = await settleReceiver(payTo as `0x${string}`, config);
      store.markSettled(payTo, transaction);
      run.settles.push({ payTo, transaction });
    } catch (error) {
      run.errors.push(`settle for ${payTo}: ${message(error)}`);
    }
  }
  return run;
}

/** A channel has charged vouchers not yet claimed on chain. */
export function owesClaim(channel: Channel): boolean {
  return BigInt(channel.chargedCumulativeAmount) > BigInt(channel.totalClaimed);
}

/**
 * Claims `channels` (each up to the charged total it has now) with the SDK's channel manager:
 * grouped by receiver, ≤ 100 channel rows per transaction, whoever's channels they are. Each
 * claimed channel is reported to `claimed` with its transaction; a failed batch is an error in
 * `run` and stays outstanding for the next run.
 */
export async function claimInBatches(
  channels: readonly Channel[],
  storage: ChannelStorage,
  config: SettlerConfig,
  run: SettlementRun,
  claimed: (channel: Channel, transaction: string) => unknown,
): Promise<void> {
  const byReceiver = new Map<string, Channel[]>();
  for (const channel of channels) {
    const receiver = channel.channelConfig.receiver.toLowerCase();
    byReceiver.set(receiver, [...(byReceiver.get(receiver) ?? []), channel]);
  }
  for (const [receiver, owed] of byReceiver) {
    const manager = managerFor(receiver as `0x${string}`, storage, config);
    for (let start = 0; start < owed.length; start += MAX_CLAIMS_PER_TRANSACTION) {
      const batch = owed.slice(start, start + MAX_CLAIMS_PER_TRANSACTION);
      try {
        const [result] = await manager.claim({
          maxClaimsPerBatch: MAX_CLAIMS_PER_TRANSACTION,
          selectClaimChannels: () => batch,
        });
        if (!result) continue;
        // Each channel was claimed up to the total it had when selected (later vouchers stay charged).
        for (const channel of batch) await claimed(channel, result.transaction);
        run.claims.push({ payTo: receiver, vouchers: result.vouchers, transaction: result.transaction });
      } catch (error) {
        run.errors.push(`claim for ${receiver}: ${message(error)}`);
      }
    }
  }
}

/**
 * `settle(receiver, token)`: moves everything claimed for one receiver (an API's split), from
 * every payer's channels, into it. Returns the transaction.
 */
export async function settleReceiver(receiver: `0x${string}`, config: SettlerConfig): Promise<string> {
  return (await managerFor(receiver, new EmptyChannelStorage(), config).settle()).transaction;
}

async function refundIdle(
  store: ChannelStore,
  storage: LedgerChannelStorage,
  config: SettlerConfig,
  idleSeconds: number,
  run: SettlementRun,
): Promise<void> {
  const idleSince = Date.now() - idleSeconds * 1000;
  const idle = store
    .list()
    .filter((channel) => channel.lastRequestTimestamp <= idleSince && BigInt(channel.balance) > 0n);
  for (const channel of idle) {
    const receiver = channel.channelConfig.receiver as `0x${string}`;
    try {
      // The refund transaction also claims what the channel still owed: its vouchers are claimed by it.
      const charged = channel.chargedCumulativeAmount;
      const [result] = await managerFor(receiver, storage, config).refund([channel.channelId]);
      if (!result) continue;
      store.markClaimed(channel.channelId, charged, result.transaction);
      run.refunds.push(result);
    } catch (error) {
      run.errors.push(`refund of ${channel.channelId}: ${message(error)}`);
    }
  }
}

/** A settle-only manager reads no channel: it gets an empty in-memory storage. */
const EmptyChannelStorage = InMemoryChannelStorage;

function managerFor(
  receiver: `0x${string}`,
  storage: ChannelStorage,
  config: SettlerConfig,
): BatchSettlementChannelManager {
  const scheme = new BatchSettlementEvmScheme(receiver, {
    storage,
    receiverAuthorizerSigner: config.signer,
    withdrawDelay: config.withdrawDelaySeconds,
  });
  return new BatchSettlementChannelManager({
    scheme,
    facilitator: config.facilitator,
    receiver,
    token: config.asset,
    network: config.network,
  });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
