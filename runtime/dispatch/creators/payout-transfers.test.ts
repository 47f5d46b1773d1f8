import { warehouseAbi } from "@0xsplits/splits-sdk/constants/abi";
import {
  type Address,
  encodeAbiParameters,
  encodeEventTopics,
  erc20Abi,
  type Hex,
  type Log,
  zeroAddress,
} from "viem";
import { describe, expect, it } from "vitest";
import { zeroXWarehouse } from "../../../splits/zero-x-splits-calls.ts";
import { payoutTransfers, SPLITS_WAREHOUSE } from "./payout-transfers.ts";

const ASSET: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER_TOKEN: Address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const SPLIT: Address = "0x1111111111111111111111111111111111111111";
const OTHER_SPLIT: Address = "0x2222222222222222222222222222222222222222";
const CREATOR: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const PLATFORM: Address = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

let logIndex = 0;
/** Event topics as viem encodes them (unindexed arguments are null); a mined log carries hex only. */
type EncodedTopics = ReadonlyArray<Hex | Hex[] | null>;

function log(address: Address, topics: EncodedTopics, data: Hex): Log {
  return {
    address,
    topics: topics as [Hex, ...Hex[]],
    data,
    blockHash: `0x${"ab".repeat(32)}`,
    blockNumber: 7n,
    logIndex: logIndex++,
    transactionHash: `0x${"cd".repeat(32)}`,
    transactionIndex: 0,
    removed: false,
  };
}

const erc20Transfer = (token: Address, from: Address, to: Address, value: bigint) =>
  log(
    token,
    encodeEventTopics({ abi: erc20Abi, eventName: "Transfer", args: { from, to } }),
    encodeAbiParameters([{ type: "uint256" }], [value]),
  );

const warehouseCredit = (sender: Address, receiver: Address, token: Address, amount: bigint) =>
  log(
    SPLITS_WAREHOUSE,
    encodeEventTopics({
      abi: warehouseAbi,
      eventName: "Transfer",
      args: { sender, receiver, id: BigInt(token) },
    }),
    encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [sender, amount]),
  );

const parties = { asset: ASSET, split: SPLIT, creator: CREATOR };

describe("payoutTransfers", () => {
  it("reads a PaymentSplitter release: the asset's transfers out of the split, by recipient", () => {
    const logs = [erc20Transfer(ASSET, SPLIT, CREATOR, 2700n), erc20Transfer(ASSET, SPLIT, PLATFORM, 300n)];
    expect(payoutTransfers(logs, parties)).toEqual([
      { recipient: CREATOR, role: "creator", amount: 2700n },
      { recipient: PLATFORM, role: "platform", amount: 300n },
    ]);
  });

  it("ignores what did not leave this split in this asset, and sums repeats per recipient", () => {
    const logs = [
      erc20Transfer(ASSET, OTHER_SPLIT, CREATOR, 5n), // another API's split
      erc20Transfer(OTHER_TOKEN, SPLIT, CREATOR, 6n), // another token
      erc20Transfer(ASSET, CREATOR, SPLIT, 7n), // money in, not out
      erc20Transfer(ASSET, SPLIT, CREATOR, 0n),
      erc20Transfer(ASSET, SPLIT, CREATOR, 1n),
      erc20Transfer(ASSET, SPLIT, CREATOR, 2n),
    ];
    expect(payoutTransfers(logs, parties)).toEqual([{ recipient: CREATOR, role: "creator", amount: 3n }]);
  });

  it("reads a 0xSplits pull distribution: warehouse credits from the split, not the deposit", () => {
    const logs = [
      erc20Transfer(ASSET, SPLIT, SPLITS_WAREHOUSE, 1000n), // deposit into the warehouse
      warehouseCredit(zeroAddress, SPLIT, ASSET, 1000n), // minted to the split's own account
      warehouseCredit(SPLIT, CREATOR, ASSET, 950n),
      warehouseCredit(SPLIT, PLATFORM, ASSET, 49n),
      warehouseCredit(SPLIT, CREATOR, OTHER_TOKEN, 4n), // another token id
      warehouseCredit(OTHER_SPLIT, CREATOR, ASSET, 8n), // another split
    ];
    expect(payoutTransfers(logs, parties)).toEqual([
      { recipient: CREATOR, role: "creator", amount: 950n },
      { recipient: PLATFORM, role: "platform", amount: 49n },
    ]);
  });

  it("matches recipients whatever their letter case", () => {
    const logs = [erc20Transfer(ASSET, SPLIT, CREATOR, 10n)];
    const lower = { asset: ASSET.toLowerCase(), split: SPLIT, creator: CREATOR.toLowerCase() };
    expect(payoutTransfers(logs, lower)).toEqual([{ recipient: CREATOR, role: "creator", amount: 10n }]);
  });

  it("pins the warehouse address the 0xSplits SDK uses", () => {
    expect(SPLITS_WAREHOUSE).toBe(zeroXWarehouse());
  });
});
