import { type Address, createPublicClient, type Hex, http } from "viem";
import { usdc3009Abi } from "../../chain/usdc3009-abi.ts";
import type { LocalStack } from "../../local/stack.ts";
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
}

/** One payer's ledger (its Durable Object) in the stack's workerd. */
export async function ledgerOf(stack: LocalStack, payer: string): Promise<LedgerStub> {
  const namespace = await stack.mf.getDurableObjectNamespace("PAYER_LEDGER", "dispatch");
  return namespace.get(namespace.idFromName(payer.toLowerCase())) as unknown as LedgerStub;
}
