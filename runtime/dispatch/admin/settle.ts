import { type SettlementRun, settleReceiver } from "../../ledger/batch-settler.ts";
import type { StoredChannel } from "../../ledger/channel-types.ts";
import type { PayerLedger } from "../../ledger/payer-ledger.ts";
import { HttpError } from "../../shared/http-error.ts";
import type { DispatchEnv } from "../env.ts";
import { settlerConfig } from "../payments/settler-config.ts";
import { dispatchSettings } from "../settings.ts";
import { withdrawalsStarted } from "./chain-reader.ts";
import { claimAcrossPayers, type PayerClaims } from "./claim-across-payers.ts";

/** What settling every channel did, and what is still owed afterwards. */
export interface SettleAllResult {
  payers: number;
  claims: SettlementRun["claims"];
  settles: SettlementRun["settles"];
  refunds: SettlementRun["refunds"];
  errors: string[];
  /** Vouchers charged or claimed but not yet settled into their split, after this run. */
  outstanding: { vouchers: number; amount: string };
}

/**
 * Claims every outstanding batch-settlement voucher, many payers' channels per transaction, then
 * settles each API's split once for all payers (`402claw settle`, and the cron as a backstop to the ledgers' alarms).
 */
export async function settleAllChannels(
  env: DispatchEnv,
  options: {
    /** Claim only channels owing a voucher at least this old (the cron); 0: everything now. */
    minVoucherAgeMs?: number;
  } = {},
): Promise<SettleAllResult> {
  const ledgers = env.PAYER_LEDGER;
  if (!ledgers) throw new Error("settling needs the PAYER_LEDGER binding");
  const { results } = await env.DB.prepare("SELECT DISTINCT payer FROM payer_channels ORDER BY payer").all<{
    payer: string;
  }>();
  const result: SettleAllResult = {
    payers: results.length,
    claims: [],
    settles: [],
    refunds: [],
    errors: [],
    outstanding: { vouchers: 0, amount: "0" },
  };
  const config = settlerConfig(env);
  if (!config)
    throw new HttpError(
      409,
      "batch_settlement_off",
      "this gateway offers no batch-settlement (RECEIVER_AUTHORIZER_KEY is not set), so there is nothing to settle",
    );
  // Claims across payers (each transaction covers ≤ 100 channels of one API's split) …
  const owing: PayerClaims[] = [];
  for (const { payer } of results) {
    const ledger = ledgers.get(ledgers.idFromName(payer));
    const channels = await channelsDue(ledger, options.minVoucherAgeMs ?? 0, dispatchSettings(env).rpcUrl);
    if (channels.length) owing.push({ ledger, channels });
  }
  await claimAcrossPayers(owing, config, result);
  const waiting = new Map<string, string[]>();
  for (const { payer } of results) {
    for (const payTo of await ledgers.get(ledgers.idFromName(payer)).claimedReceivers())
      waiting.set(payTo.toLowerCase(), [...(waiting.get(payTo.toLowerCase()) ?? []), payer]);
  }
  // … then one settle per API split, which moves every payer's claimed vouchers at once.
  for (const [payTo, payers] of waiting) {
    try {
      const transaction = await settleReceiver(payTo as `0x${string}`, config);
      result.settles.push({ payTo, transaction });
      for (const payer of payers)
        await ledgers.get(ledgers.idFromName(payer)).markSettled(payTo, transaction);
    } catch (error) {
      result.errors.push(`settle for ${payTo}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let owed = 0n;
  for (const { payer } of results) {
    const ledger = ledgers.get(ledgers.idFromName(payer));
    for (const state of ["charged", "claimed"] as const) {
      for (const voucher of await ledger.vouchers(state)) {
        result.outstanding.vouchers += 1;
        owed += BigInt(voucher.amount);
      }
    }
  }
  result.outstanding.amount = owed.toString();
  return result;
}

/**
 * The channels of one payer to claim now: everything with `minVoucherAgeMs` 0; else those owing a
 * voucher that old, and those whose payer has started the contract's timed withdrawal, read on
 * chain (a payer who withdraws and stops calling is never seen by a voucher check).
 */
async function channelsDue(
  ledger: DurableObjectStub<PayerLedger>,
  minVoucherAgeMs: number,
  rpcUrl: string | undefined,
): Promise<StoredChannel[]> {
  if (minVoucherAgeMs <= 0) return ledger.channelsToClaim();
  const due = await ledger.channelsToClaim(Date.now() - minVoucherAgeMs);
  if (!rpcUrl) return due;
  const dueIds = new Set(due.map((stored) => stored.channel.channelId.toLowerCase()));
  const rest = (await ledger.channelsToClaim()).filter(
    (stored) => !dueIds.has(stored.channel.channelId.toLowerCase()),
  );
  if (!rest.length) return due;
  const withdrawing = await withdrawalsStarted(
    rpcUrl,
    rest.map((stored) => stored.channel.channelId),
  );
  return [...due, ...rest.filter((stored) => withdrawing.has(stored.channel.channelId.toLowerCase()))];
}
