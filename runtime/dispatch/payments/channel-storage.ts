import type { Channel, ChannelStorage, ChannelUpdateResult } from "@x402/evm/batch-settlement/server";
import { type ChargeInput, chargedRaise, type StoredChannel } from "../../ledger/channel-store.ts";
import type { PayerLedger } from "../../ledger/payer-ledger.ts";
import { currentCall } from "./call-context.ts";

/** Compare-and-set attempts before a change is given up as contended (the SDK answers channel_busy). */
const MAX_ATTEMPTS = 4;

/**
 * One channel as seen from outside its payer's ledger (a paid call, a cross-payer claim): the
 * ledger and the last version read from it.
 */
export class ChannelSession {
  constructor(
    readonly channelId: string,
    private readonly ledger: DurableObjectStub<PayerLedger>,
    /** What a voucher charged here pays for; without it a write that raises the charge is refused. */
    private readonly charge?: ChargeInput,
    /** The channel as already read (none: read on first use). */
    private stored?: StoredChannel | null,
  ) {}

  /** The channel as last read (one round trip the first time, none after). */
  async load(): Promise<StoredChannel | null> {
    if (this.stored === undefined) this.stored = await this.ledger.channelRead(this.channelId);
    return this.stored;
  }

  /**
   * Applies `update` with a compare-and-set in the payer's ledger; on a conflict it re-reads and
   * re-applies. A write that raises the charged total is recorded there as this call's voucher.
   */
  async update(update: (current: Channel | undefined) => Channel | undefined): Promise<ChannelUpdateResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.load();
      const next = update(stored?.channel);
      if (next === stored?.channel) return { channel: stored?.channel, status: "unchanged" };
      const charge = stored && next && chargedRaise(stored.channel, next) > 0n ? this.charge : undefined;
      const written = await this.ledger.channelWrite(
        this.channelId,
        stored?.version ?? 0,
        next ?? null,
        charge,
      );
      if (written.ok) {
        this.stored = next ? { channel: next, version: written.version } : null;
        if (!next) return { channel: undefined, status: stored ? "deleted" : "unchanged" };
        return { channel: next, status: "updated" };
      }
      if (written.refused) throw new Error(written.refused);
      this.stored = written.current;
    }
    throw new Error(`channel ${this.channelId} kept changing under concurrent requests`);
  }
}

/**
 * batch-settlement's `ChannelStorage` for the gateway: each channel lives in its payer's ledger
 * (a SQLite Durable Object), reached through the current call. A call only ever touches the
 * channel its payment names; anything else is refused (the SDK answers with a 402).
 */
export class PayerChannelStorage implements ChannelStorage {
  async get(channelId: string): Promise<Channel | undefined> {
    return (await session(channelId).load())?.channel ?? undefined;
  }

  async list(): Promise<Channel[]> {
    const channel = await currentCall()?.channel?.load();
    return channel ? [channel.channel] : [];
  }

  updateChannel(
    channelId: string,
    update: (current: Channel | undefined) => Channel | undefined,
  ): Promise<ChannelUpdateResult> {
    return session(channelId).update(update);
  }
}

function session(channelId: string): ChannelSession {
  const channel = currentCall()?.channel;
  if (!channel || channel.channelId !== channelId.toLowerCase())
    throw new Error(`channel ${channelId} is not the one this call pays from`);
  return channel;
}
