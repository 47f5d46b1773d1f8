import { splitV2o2FactoryAbi } from "@0xsplits/splits-sdk/constants/abi";
import { type Address, custom, decodeFunctionData, encodeFunctionResult, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.ts";
import { resolveSplitTerms } from "../splits/split-terms.ts";
import {
  OFFLINE_PAY_TO,
  offlineSplitPredictor,
  splitsChain,
  zeroXSplitsPredictor,
} from "./split-predictor.ts";

const terms = resolveSplitTerms({
  apiSlug: "fx-convert",
  creator: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  platformWallet: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  platformFeeBps: 500,
  minBps: 500,
  maxBps: 500,
});
// What the scripted factory answers (FAKE: no network here to record Base Sepolia's real answer).
const ANSWER: Address = "0x5ab7f1d0D2b2e1F5c5A6e2DC5b9f3a0c1E2D3F40";
const KEYED_URL = "https://base-sepolia.example-rpc.io/v2/SECRET-KEY";

// A scripted RPC serving `chainId`; records the methods asked for.
function scriptedRpc(chainId: number) {
  const methods: string[] = [];
  const transport = custom({
    async request({ method, params }: { method: string; params: unknown }) {
      methods.push(method);
      if (method === "eth_chainId") return `0x${chainId.toString(16)}`;
      const [{ data }] = params as [{ data: Hex }];
      const call = decodeFunctionData({ abi: splitV2o2FactoryAbi, data });
      return encodeFunctionResult({
        abi: splitV2o2FactoryAbi,
        functionName: call.functionName,
        result: ANSWER,
      });
    },
  });
  return { methods, transport };
}

describe("the 0xSplits predictor behind every payTo", () => {
  it("checks the endpoint's chain once, then makes one factory eth_call per API", async () => {
    const rpc = scriptedRpc(84532);
    const predictor = zeroXSplitsPredictor({
      network: "eip155:84532",
      rpcUrl: KEYED_URL,
      transport: rpc.transport,
    });
    expect(await predictor.predict(terms)).toBe(ANSWER);
    expect(await predictor.predict({ ...terms, apiSlug: "world-cities" })).toBe(ANSWER);
    expect(rpc.methods).toEqual(["eth_chainId", "eth_call", "eth_call"]);
    // The plan prints the source: a provider key in the URL never shows.
    expect(predictor.source).toBe(
      "predicted by the 0xSplits v2 factory on eip155:84532 via https://base-sepolia.example-rpc.io/…",
    );
  });

  it("refuses an endpoint of another chain, naming 402claw:rpcUrl and never its key", async () => {
    const rpc = scriptedRpc(8453);
    const predictor = zeroXSplitsPredictor({
      network: "eip155:84532",
      rpcUrl: KEYED_URL,
      transport: rpc.transport,
    });
    const error = await predictor.predict(terms).catch((e: unknown) => e as ConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /^config 402claw:rpcUrl: https:\/\/base-sepolia\.example-rpc\.io\/… serves chain 8453, but 402claw:network is eip155:84532/,
    );
    expect((error as ConfigError).message).not.toContain("SECRET-KEY");
    expect(rpc.methods).toEqual(["eth_chainId"]);
  });

  it("an endpoint that does not answer fails with the key named", async () => {
    const transport = custom({
      async request() {
        throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      },
    });
    const predictor = zeroXSplitsPredictor({
      network: "eip155:8453",
      rpcUrl: "https://x.example",
      transport,
    });
    await expect(predictor.predict(terms)).rejects.toThrow(
      /config 402claw:rpcUrl: https:\/\/x\.example did not answer eth_chainId/,
    );
  });

  it("a network without 0xSplits v2 is refused, naming 402claw:network", () => {
    expect(splitsChain("eip155:8453").id).toBe(8453);
    expect(splitsChain("eip155:84532").id).toBe(84532);
    expect(() => splitsChain("eip155:5")).toThrow(/config 402claw:network: 0xSplits v2 has no factory/);
  });

  it("offline, says so instead of inventing an address", async () => {
    expect(await offlineSplitPredictor().predict(terms)).toBe(OFFLINE_PAY_TO);
  });
});
