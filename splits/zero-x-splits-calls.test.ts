import { splitV2ABI, splitV2o2FactoryAbi, warehouseAbi } from "@0xsplits/splits-sdk/constants/abi";
import { getValidatedSplitV2Config } from "@0xsplits/splits-sdk/utils";
import {
  type Chain,
  createPublicClient,
  custom,
  decodeFunctionData,
  keccak256,
  stringToBytes,
  zeroAddress,
} from "viem";
import { base } from "viem/chains";
import { describe, expect, it } from "vitest";
import { resolveSplitTerms } from "./split-terms.ts";
import {
  buildCreateSplitCall,
  buildDistributeCall,
  buildWarehouseWithdrawCall,
  zeroXCreateSplitConfig,
  zeroXSplitFactory,
  zeroXSplitStruct,
  zeroXSplitsSdk,
  zeroXWarehouse,
} from "./zero-x-splits-calls.ts";

// Any RPC request fails the test: building call data must not touch the network.
// Typed as a plain Chain: Base's OP-stack formatters are irrelevant to call data.
const offline = createPublicClient({
  chain: base as Chain,
  transport: custom({
    request: async ({ method }) => {
      throw new Error(`unexpected RPC ${method}: call data must be built offline`);
    },
  }),
});
const sdk = zeroXSplitsSdk(offline);

const CREATOR = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const PLATFORM = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
const terms = resolveSplitTerms({
  apiSlug: "weather",
  creator: CREATOR,
  platformWallet: PLATFORM,
  platformFeeBps: 1000,
  minBps: 500,
  maxBps: 3000,
});

describe("0xSplits v2 call data (offline)", () => {
  it("creates an immutable pull split with creator 90% and platform 10%, salted by the slug", async () => {
    const call = await buildCreateSplitCall(sdk, terms);
    // The v2.2 pull factory on Base, as the SDK lists it.
    expect(call.to).toBe("0x6B9118074aB15142d7524E8c4ea8f62A3Bdb98f1");
    expect(call.to).toBe(zeroXSplitFactory(base.id));

    const decoded = decodeFunctionData({ abi: splitV2o2FactoryAbi, data: call.data });
    expect(decoded.functionName).toBe("createSplitDeterministic");
    const [split, owner, creatorTag, salt] = decoded.args as unknown as [
      { recipients: string[]; allocations: bigint[]; totalAllocation: bigint; distributionIncentive: number },
      string,
      string,
      string,
    ];
    expect(split.recipients).toEqual([CREATOR, PLATFORM]);
    expect(split.allocations).toEqual([900_000n, 100_000n]);
    expect(split.allocations.reduce((a, b) => a + b, 0n)).toBe(split.totalAllocation);
    expect(split.totalAllocation).toBe(1_000_000n);
    expect(split.distributionIncentive).toBe(0);
    expect(owner).toBe(zeroAddress); // nobody can update, pause or exec: immutable
    expect(creatorTag).toBe(zeroAddress);
    expect(salt).toBe(keccak256(stringToBytes("402claw:weather")));
  });

  it("converts every fee in basis points exactly, the SDK's percent rounding included", () => {
    for (let bps = 1; bps < 10_000; bps++) {
      const t = { ...terms, platformFeeBps: bps };
      const config = zeroXCreateSplitConfig(t, base.id);
      const viaSdk = getValidatedSplitV2Config(config.recipients, config.distributorFeePercent);
      const ours = zeroXSplitStruct(t);
      if (viaSdk.recipientAllocations.join() !== ours.allocations.join()) {
        throw new Error(
          `fee ${bps} bps: SDK allocates ${viaSdk.recipientAllocations}, we expect ${ours.allocations}`,
        );
      }
      expect(viaSdk.totalAllocation).toBe(1_000_000n);
    }
  });

  it("salts each API differently and the same API the same way", async () => {
    const a = decodeFunctionData({
      abi: splitV2o2FactoryAbi,
      data: (await buildCreateSplitCall(sdk, terms)).data,
    });
    const again = decodeFunctionData({
      abi: splitV2o2FactoryAbi,
      data: (await buildCreateSplitCall(sdk, terms)).data,
    });
    const other = decodeFunctionData({
      abi: splitV2o2FactoryAbi,
      data: (await buildCreateSplitCall(sdk, { ...terms, apiSlug: "quotes" })).data,
    });
    expect(a.args?.[3]).toBe(again.args?.[3]);
    expect(other.args?.[3]).not.toBe(a.args?.[3]);
  });

  it("distributes with exactly the struct the split was created with", async () => {
    const split = "0x1111111111111111111111111111111111111111";
    const call = await buildDistributeCall(sdk, terms, split, USDC_BASE, CREATOR);
    expect(call.to).toBe(split);
    const decoded = decodeFunctionData({ abi: splitV2ABI, data: call.data });
    expect(decoded.functionName).toBe("distribute");
    expect(decoded.args).toEqual([zeroXSplitStruct(terms), USDC_BASE, CREATOR]);

    const created = decodeFunctionData({
      abi: splitV2o2FactoryAbi,
      data: (await buildCreateSplitCall(sdk, terms)).data,
    });
    // The split only distributes when the struct hashes to what it was created with.
    expect(decoded.args?.[0]).toEqual(created.args?.[0]);
  });

  it("withdraws the creator's warehouse balance to the creator", async () => {
    const call = await buildWarehouseWithdrawCall(sdk, CREATOR, USDC_BASE);
    expect(call.to).toBe(zeroXWarehouse());
    expect(call.to).toBe("0x8fb66F38cF86A3d5e8768f8F1754A24A6c661Fb8");
    const decoded = decodeFunctionData({ abi: warehouseAbi, data: call.data });
    expect(decoded.functionName).toBe("withdraw");
    expect(decoded.args).toEqual([CREATOR, USDC_BASE]);
  });
});
