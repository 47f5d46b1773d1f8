import { type Address, getAddress, type Log, parseAbi, parseEventLogs } from "viem";

/**
 * 0xSplits v2's SplitsWarehouse (same address on every chain it supports). A pull split pays out
 * by moving its ERC-20 tokens into the warehouse and crediting each recipient there (ERC-6909),
 * so for production splits the credits are the payouts. Pinned here to keep the SDK out of the
 * worker; payout-transfers.test.ts checks it against the SDK.
 */
export const SPLITS_WAREHOUSE: Address = "0x8fb66F38cF86A3d5e8768f8F1754A24A6c661Fb8";

const ERC20_TRANSFER = parseAbi(["event Transfer(address indexed from, address indexed to, uint256 value)"]);
const WAREHOUSE_TRANSFER = parseAbi([
  "event Transfer(address caller, address indexed sender, address indexed receiver, uint256 indexed id, uint256 amount)",
]);

/** Tokens one transaction moved out of an API's split to one recipient. */
export interface PayoutTransfer {
  recipient: Address;
  role: "creator" | "platform";
  amount: bigint;
}

export interface PayoutParties {
  /** The payment token (x402 asset). */
  asset: string;
  /** The API's split address (its payTo). */
  split: string;
  /** The API's owner: payouts to this wallet are the creator's, to anyone else the platform's. */
  creator: string;
  warehouse?: string;
}

/**
 * What a transaction's logs paid out of `split`, per recipient: ERC-20 transfers of the asset
 * from the split (the local PaymentSplitter stand-in, push splits), and warehouse credits from
 * the split (0xSplits pull splits). Moves into the warehouse itself are not payouts.
 */
export function payoutTransfers(logs: readonly Log[], parties: PayoutParties): PayoutTransfer[] {
  const asset = getAddress(parties.asset);
  const split = getAddress(parties.split);
  const creator = getAddress(parties.creator);
  const warehouse = getAddress(parties.warehouse ?? SPLITS_WAREHOUSE);
  const paid = new Map<Address, bigint>();
  const add = (recipient: Address, amount: bigint) => {
    if (recipient === split || recipient === warehouse || amount === 0n) return;
    paid.set(recipient, (paid.get(recipient) ?? 0n) + amount);
  };
  for (const log of parseEventLogs({ abi: ERC20_TRANSFER, logs: logs as Log[], strict: true })) {
    if (getAddress(log.address) === asset && getAddress(log.args.from) === split) {
      add(getAddress(log.args.to), log.args.value);
    }
  }
  for (const log of parseEventLogs({ abi: WAREHOUSE_TRANSFER, logs: logs as Log[], strict: true })) {
    if (
      getAddress(log.address) === warehouse &&
      getAddress(log.args.sender) === split &&
      log.args.id === BigInt(asset)
    ) {
      add(getAddress(log.args.receiver), log.args.amount);
    }
  }
  return [...paid].map(([recipient, amount]) => ({
    recipient,
    role: recipient === creator ? "creator" : "platform",
    amount,
  }));
}
