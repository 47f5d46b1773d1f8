import type { Channel, ChannelStorage, ChannelUpdateResult } from "@x402/evm/batch-settlement/server";
import { claimInBatches, type SettlementRun, type SettlerConfig } from "../../ledger/batch-settler.ts";
import type { StoredChannel } from "../../ledger/channel-types.ts";
import type { PayerLedger } from "../../ledger/payer-ledger.ts";
import { ChannelSession } from "../payments/channel-storage.ts";

/** One payer's ledger and the channels it owes claims on. */
export interface PayerClaims {
  ledger: DurableObjectStub<PayerLedger>;
  channels: StoredChannel[];
}

/**
 * Claims the outstanding vouchers of many payers together: a claim transaction carries up to 100
 * channel rows of one receiver (an API's split), whichever payers they belong to, so a thousand
 * payers of one API cost ten claims rather than a thousand. Each channel's new claimed total is
 * written back to its payer's ledger by compare-and-set, and its vouchers are recorded as claimed.
 */
export async function claimAcrossPayers(
  payers: readonly PayerClaims[],
  config: SettlerConfig,
  run: SettlementRun,
): Promise<void> {
  const storage = new RoutedChannelStorage();
  for (const { ledger, channels } of payers) for (const stored of channels) storage.add(stored, ledger);
  await claimInBatches(await storage.list(), storage, config, run, (channel, transaction) =>
    storage
      .ledgerOf(channel.channelId)
      .recordClaim(channel.channelId, channel.chargedCumulativeAmount, transaction),
  );
}

/** The SDK's `ChannelStorage` over channels of many payers: each change goes to its own payer's ledger. */
class RoutedChannelStorage implements ChannelStorage {
  private readonly sessions = new Map<
    string,
    { session: ChannelSession; ledger: DurableObjectStub<PayerLedger> }
  >();
  private readonly loaded: Channel[] = [];

  add(stored: StoredChannel, ledger: DurableObjectStub<PayerLedger>): void {
    const channelId = stored.channel.channelId;
    // No charge: a claim only raises the claimed total; a write that raised the charge is refused.
    this.sessions.set(channelId.toLowerCase(), {
      session: new ChannelSession(channelId, ledger, undefined, stored),
      ledger,
    });
    this.loaded.push(stored.channel);
  }

  ledgerOf(channelId: string): DurableObjectStub<PayerLedger> {
    return this.entry(channelId).ledger;
  }

  async get(channelId: string): Promise<Channel | undefined> {
    return (await this.entry(channelId).session.load())?.channel;
  }

  /** The channels as read from their ledgers when this run began. */
  async list(): Promise<Channel[]> {
    return this.loaded;
  }

  updateChannel(
    channelId: string,
    update: (current: Channel | undefined) => Channel | undefined,
  ): Promise<ChannelUpdateResult> {
    return this.entry(channelId).session.update(update);
  }

  private entry(channelId: string) {
    const found = this.sessions.get(channelId.toLowerCase());
    if (!found) throw new Error(`channel ${channelId} is not part of this claim run`);
    return found;
  }
}
