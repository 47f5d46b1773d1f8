import { SplitV2Client, WarehouseClient } from "@0xsplits/splits-sdk";
import {
  getSplitV2o2FactoryAddress,
  getWarehouseAddress,
  PERCENTAGE_SCALE,
} from "@0xsplits/splits-sdk/constants";
import { type CreateSplitV2Config, SplitV2Type } from "@0xsplits/splits-sdk/types";
import {
  type Address,
  type Chain,
  getAddress,
  type Hex,
  type PublicClient,
  type Transport,
  zeroAddress,
} from "viem";
import { splitSalt } from "./split-salt.ts";
import { BPS_TOTAL, creatorShareBps, type SplitTerms } from "./split-terms.ts";

/**
 * Pull splits (the SDK's default): `distribute` credits each recipient in the SplitsWarehouse and the
 * recipient (or anyone for them) withdraws from there, so one distribution costs the same gas
 * however many recipients; `SplitV2o2` is the SDK's current factory version.
 */
export const ZERO_X_SPLIT_TYPE = SplitV2Type.Pull;
export const ZERO_X_SPLIT_VERSION = "splitV2o2" as const;

/** A transaction to send: target contract and calldata (no value: splits only move tokens here). */
export interface ContractCall {
  to: Address;
  data: Hex;
}

/** The SDK clients this module drives; their public client is only read from for predictions and reads. */
export interface ZeroXSplitsSdk {
  chainId: number;
  splitV2: SplitV2Client;
  warehouse: WarehouseClient;
}

/** Wraps the SDK for one chain (Base 8453, Base Sepolia 84532, …: any of SPLITS_V2_SUPPORTED_CHAIN_IDS). */
export function zeroXSplitsSdk(publicClient: PublicClient<Transport, Chain>): ZeroXSplitsSdk {
  const chainId = publicClient.chain.id;
  return {
    chainId,
    splitV2: new SplitV2Client({ chainId, publicClient }),
    warehouse: new WarehouseClient({ chainId, publicClient }),
  };
}

/** The on-chain split struct for these terms: creator first, allocations in the SDK's 1e6 scale. */
export function zeroXSplitStruct(terms: SplitTerms) {
  // 1 bps = 100 units of PERCENTAGE_SCALE (1e6 = 100%), so shares convert exactly.
  const unitsPerBps = PERCENTAGE_SCALE / BigInt(BPS_TOTAL);
  return {
    recipients: [getAddress(terms.creator), getAddress(terms.platform)] as [Address, Address],
    allocations: [
      BigInt(creatorShareBps(terms)) * unitsPerBps,
      BigInt(terms.platformFeeBps) * unitsPerBps,
    ] as [bigint, bigint],
    totalAllocation: PERCENTAGE_SCALE,
    distributionIncentive: 0,
  };
}

/**
 * The SDK config of an API's split: immutable (owner = zero address, so nobody can update, pause or
 * exec from it), no distributor fee, salt from the slug. Creator field = zero (it is only an event tag).
 */
export function zeroXCreateSplitConfig(terms: SplitTerms, chainId: number): CreateSplitV2Config {
  return {
    recipients: [
      { address: getAddress(terms.creator), percentAllocation: creatorShareBps(terms) / 100 },
      { address: getAddress(terms.platform), percentAllocation: terms.platformFeeBps / 100 },
    ],
    distributorFeePercent: 0,
    ownerAddress: zeroAddress,
    creatorAddress: zeroAddress,
    salt: splitSalt(terms.apiSlug),
    splitType: ZERO_X_SPLIT_TYPE,
    version: ZERO_X_SPLIT_VERSION,
    chainId,
  };
}

/** The factory this module creates splits with on `chainId`. */
export function zeroXSplitFactory(chainId: number): Address {
  return getSplitV2o2FactoryAddress(chainId, ZERO_X_SPLIT_TYPE);
}

/** The SplitsWarehouse, where pull splits credit recipients. */
export function zeroXWarehouse(): Address {
  return getWarehouseAddress();
}

/** `createSplitDeterministic` on the v2.2 pull factory, built by the SDK. */
export async function buildCreateSplitCall(sdk: ZeroXSplitsSdk, terms: SplitTerms): Promise<ContractCall> {
  const call = await sdk.splitV2.callData.createSplit(zeroXCreateSplitConfig(terms, sdk.chainId));
  return { to: getAddress(call.address), data: call.data };
}

/** `distribute(split, token, distributor)` on the split, built by the SDK from our struct (no metadata read). */
export async function buildDistributeCall(
  sdk: ZeroXSplitsSdk,
  terms: SplitTerms,
  split: Address,
  token: Address,
  distributor: Address,
): Promise<ContractCall> {
  const struct = zeroXSplitStruct(terms);
  const call = await sdk.splitV2.callData.distribute({
    splitAddress: split,
    tokenAddress: token,
    distributorAddress: distributor,
    chainId: sdk.chainId,
    // Passing the recipients avoids the SDK's log scan; the split checks their hash anyway.
    splitFields: {
      distributorFeePercent: 0,
      recipients: struct.recipients.map((address, i) => ({
        recipient: { address },
        ownership: struct.allocations[i] ?? 0n,
        percentAllocation: Number(struct.allocations[i] ?? 0n) / 10_000,
      })),
    },
  });
  return { to: getAddress(call.address), data: call.data };
}

/** Warehouse `withdraw(owner, token)`: pays the owner's whole warehouse balance but 1 unit to the owner. */
export async function buildWarehouseWithdrawCall(
  sdk: ZeroXSplitsSdk,
  owner: Address,
  token: Address,
): Promise<ContractCall> {
  const call = await sdk.warehouse.callData.withdraw({ ownerAddress: owner, tokenAddress: token });
  return { to: getAddress(call.address), data: call.data };
}
