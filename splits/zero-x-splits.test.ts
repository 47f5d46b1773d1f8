import { splitV2ABI, splitV2o2FactoryAbi, warehouseAbi } from "@0xsplits/splits-sdk/constants/abi";
import {
  type Address,
  type Chain,
  custom,
  decodeFunctionData,
  encodeFunctionResult,
  erc20Abi,
  getAddress,
  type Hex,
  keccak256,
  stringToBytes,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { base } from "viem/chains";
import { describe, expect, it } from "vitest";
import { devAccount } from "../chain/accounts.ts";
import { resolveSplitTerms } from "./split-terms.ts";
import { createZeroXSplitsSplitter } from "./zero-x-splits.ts";

const CREATOR = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const PLATFORM = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const USDC_BASE: Address = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
const FACTORY: Address = "0x6B9118074aB15142d7524E8c4ea8f62A3Bdb98f1";
const WAREHOUSE: Address = "0x8fb66F38cF86A3d5e8768f8F1754A24A6c661Fb8";
// Stands in for the factory's eth_call answer. No network here to record Base's real answer, so
// this checks the request we send and that we return what the factory says, not the address itself.
const FACTORY_ANSWER: Address = getAddress("0x5ab7f1d0d2b2e1f5c5a6e2dc5b9f3a0c1e2d3f40");

const terms = resolveSplitTerms({
  apiSlug: "weather",
  creator: CREATOR,
  platformWallet: PLATFORM,
  platformFeeBps: 1000,
  minBps: 500,
  maxBps: 3000,
});

interface FakeBase {
  deployed: boolean;
  tokenBalanceOfSplit: bigint;
  splitBalances: [bigint, bigint];
  creatorCredit: bigint;
}

// A scripted Base RPC: answers the reads the splitter makes from `state` and records every request.
function fakeBase(state: FakeBase) {
  const requests: Array<{ method: string; params: unknown }> = [];
  const transport = custom({
    async request({ method, params }: { method: string; params: unknown }) {
      requests.push({ method, params });
      if (method === "eth_chainId") return "0x2105";
      if (method === "eth_getCode") return state.deployed ? "0x363d3d373d3d3d363d73" : "0x";
      if (method !== "eth_call") throw new Error(`the fake chain does not serve ${method}`);
      const [{ to, data }] = params as [{ to: Address; data: Hex }];
      if (getAddress(to) === FACTORY) {
        const call = decodeFunctionData({ abi: splitV2o2FactoryAbi, data });
        if (call.functionName !== "predictDeterministicAddress")
          throw new Error(`unexpected ${call.functionName}`);
        return encodeFunctionResult({
          abi: splitV2o2FactoryAbi,
          functionName: call.functionName,
          result: FACTORY_ANSWER,
        });
      }
      if (getAddress(to) === FACTORY_ANSWER) {
        return encodeFunctionResult({
          abi: splitV2ABI,
          functionName: "getSplitBalance",
          result: state.splitBalances,
        });
      }
      if (getAddress(to) === WAREHOUSE) {
        return encodeFunctionResult({
          abi: warehouseAbi,
          functionName: "balanceOf",
          result: state.creatorCredit,
        });
      }
      if (getAddress(to) === USDC_BASE) {
        return encodeFunctionResult({
          abi: erc20Abi,
          functionName: "balanceOf",
          result: state.tokenBalanceOfSplit,
        });
      }
      throw new Error(`eth_call to unknown contract ${to}`);
    },
  });
  return { transport, requests };
}

describe("0xSplits v2 splitter against a scripted Base RPC", () => {
  it("predicts through the v2.2 pull factory's predictDeterministicAddress with the immutable split", async () => {
    const rpc = fakeBase({
      deployed: false,
      tokenBalanceOfSplit: 0n,
      splitBalances: [0n, 0n],
      creatorCredit: 0n,
    });
    const splitter = createZeroXSplitsSplitter({ chain: base as Chain, transport: rpc.transport });

    expect(await splitter.predictAddress(terms)).toBe(FACTORY_ANSWER);

    const calls = rpc.requests.filter((r) => r.method === "eth_call");
    expect(calls).toHaveLength(1);
    const [{ to, data }] = calls[0]!.params as [{ to: Address; data: Hex }];
    expect(getAddress(to)).toBe(FACTORY);
    const decoded = decodeFunctionData({ abi: splitV2o2FactoryAbi, data });
    expect(decoded.functionName).toBe("predictDeterministicAddress");
    expect(decoded.args).toEqual([
      {
        recipients: [CREATOR, PLATFORM],
        allocations: [900_000n, 100_000n],
        totalAllocation: 1_000_000n,
        distributionIncentive: 0,
      },
      zeroAddress,
      keccak256(stringToBytes("402claw:weather")),
    ]);
  });

  it("reads the balance of a split that does not exist yet from the token", async () => {
    const rpc = fakeBase({
      deployed: false,
      tokenBalanceOfSplit: 1_234_567n,
      splitBalances: [0n, 0n],
      creatorCredit: 0n,
    });
    const splitter = createZeroXSplitsSplitter({ chain: base as Chain, transport: rpc.transport });
    expect(await splitter.isDeployed(terms)).toBe(false);
    expect(await splitter.balance(terms, USDC_BASE)).toBe(1_234_567n);
  });

  it("counts a deployed split's balance in the split and in the warehouse", async () => {
    const rpc = fakeBase({
      deployed: true,
      tokenBalanceOfSplit: 0n,
      splitBalances: [5n, 7n],
      creatorCredit: 0n,
    });
    const splitter = createZeroXSplitsSplitter({ chain: base as Chain, transport: rpc.transport });
    expect(await splitter.balance(terms, USDC_BASE)).toBe(12n);
  });

  it("sends nothing and says so when only the 1-unit leftovers remain", async () => {
    const rpc = fakeBase({
      deployed: true,
      tokenBalanceOfSplit: 1n,
      splitBalances: [1n, 1n],
      creatorCredit: 1n,
    });
    const splitter = createZeroXSplitsSplitter({ chain: base as Chain, transport: rpc.transport });
    const result = await splitter.withdrawCreatorShare(
      terms,
      USDC_BASE,
      privateKeyToAccount(devAccount(3).privateKey),
    );
    expect(result).toMatchObject({
      txHashes: [],
      creatorPaid: 0n,
      platformPaid: 0n,
      creatorWalletReceived: 0n,
      nothingToWithdraw: true,
    });
    expect(result.message).toMatch(/^nothing to withdraw/);
    expect(rpc.requests.some((r) => r.method.startsWith("eth_send"))).toBe(false);
  });
});
