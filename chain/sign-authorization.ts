import { type Address, bytesToHex, type Hex } from "viem";
import type { LocalAccount } from "viem/accounts";
import { eip3009Types, USDC3009_NAME, USDC3009_VERSION } from "./usdc3009-abi.ts";

export interface TransferAuthorization {
  from: Address;
  to: Address;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: Hex;
}

/** A random 32-byte EIP-3009 nonce. */
export function randomNonce(): Hex {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}

function domain(asset: Address, chainId: number) {
  return { name: USDC3009_NAME, version: USDC3009_VERSION, chainId, verifyingContract: asset } as const;
}

/** Signs an EIP-3009 TransferWithAuthorization (or ReceiveWithAuthorization) for the token at `asset`. */
export async function signTransferAuthorization(
  signer: LocalAccount,
  asset: Address,
  chainId: number,
  authorization: TransferAuthorization,
  primaryType: "TransferWithAuthorization" | "ReceiveWithAuthorization" = "TransferWithAuthorization",
): Promise<Hex> {
  return signer.signTypedData({
    domain: domain(asset, chainId),
    types: eip3009Types,
    primaryType,
    message: authorization,
  });
}

/** Signs an EIP-3009 CancelAuthorization for the token at `asset`. */
export async function signCancelAuthorization(
  signer: LocalAccount,
  asset: Address,
  chainId: number,
  nonce: Hex,
): Promise<Hex> {
  return signer.signTypedData({
    domain: domain(asset, chainId),
    types: eip3009Types,
    primaryType: "CancelAuthorization",
    message: { authorizer: signer.address, nonce },
  });
}
