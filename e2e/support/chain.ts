import type { Channel } from "@x402/evm/batch-settlement/server";
import { type Address, createPublicClient, type Hex, http } from "viem";
import { usdc3009Abi } from "../../chain/usdc3009-abi.ts";
import type { LocalStack } from "../../local/stack.ts";
import type { StoredChannel, VoucherRecord } from "../../runtime/ledger/channel-types.ts";
import type { ClaimInput, PaymentRecord } from "../../runtime/ledger/payment-state.ts";

/** A wallet's test-USDC balance on the stack's chain, in token units. */
export function balanceOf(stack: LocalStack, owner: string): Promise<bigint> {
  return createPublicClient({ transport: http(stack.chain.rpcUrl) }).readContract({
    address: stack.chain.asset,
    abi: usdc3009Abi,
    functionName: "balanceOf",
    args: [owner as Address],
  });
}

/** anvil mines only on demand: this lets the chain's clock catch up with the wall clock. */
export async function mineBlock(stack: LocalStack): Promise<void> {
  const response = await fetch(stack.chain.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }),
  });
  if (!response.ok) throw new Error(`evm_mine failed: ${response.status}`);
}

/** Flips every bit of one byte of a hex string (offset in bytes after 0x). */
export function flipByte(hex: string, byteOffset: number): Hex {
  const at = 2 + byteOffset * 2;
  const flipped = (Number.parseInt(hex.slice(at, at + 2), 16) ^ 0xff).toString(16).padStart(2, "0");
  return `${hex.slice(0, at)}${flipped}${hex.slice(at + 2)}` as Hex;
}

/** The payer ledger's RPC face, as tests call it from Node. */
export interface LedgerStub {
  find(nonce: string): Promise<PaymentRecord | null>;
  claim(payer: string, input: ClaimInput): Promise<{ claimed: boolean }>;
  advance(nonce: string, input: { state: string; error?: string }): Promise<{ ok: boolean }>;
  sweepStale(now?: number): Promise<number>;
  /** batch-settlement: the vouchers charged, and the payer's channels as the gateway keeps them. */
  vouchers(): Promise<VoucherRecord[]>;
  channelList(): Promise<Channel[]>;
  channelRead(channelId: string): Promise<StoredChannel | null>;
  channelWrite(channelId: string, version: number, next: Channel | null): Promise<{ ok: boolean }>;
}

/** One payer's ledger (its Durable Object) in the stack's workerd. */
export async function ledgerOf(stack: LocalStack, payer: string): Promise<LedgerStub> {
  const namespace = await stack.mf.getDurableObjectNamespace("PAYER_LEDGER", "dispatch");
  return namespace.get(namespace.idFromName(payer.toLowerCase())) as unknown as LedgerStub;
}

/** Transactions mined in the stack's chain after block `from`. */
export async function transactionsSince(stack: LocalStack, from: bigint): Promise<number> {
  const client = createPublicClient({ transport: http(stack.chain.rpcUrl) });
  const to = await client.getBlockNumber({ cacheTime: 0 });
  let count = 0;
  for (let block = from + 1n; block <= to; block++)
    count += (await client.getBlock({ blockNumber: block })).transactions.length;
  return count;
}
