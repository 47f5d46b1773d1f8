import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { splitV2o2FactoryAbi } from "@0xsplits/splits-sdk/constants/abi";
import {
  type Address,
  decodeFunctionData,
  encodeFunctionResult,
  getAddress,
  type Hex,
  keccak256,
  slice,
} from "viem";

/** A predictDeterministicAddress call the fake chain received, decoded. */
export interface FactoryCall {
  to: Address;
  recipients: Address[];
  allocations: bigint[];
  totalAllocation: bigint;
  owner: Address;
  salt: Hex;
}

/**
 * FAKE JSON-RPC endpoint for the production predictor: answers eth_chainId with `chainId` and the
 * 0xSplits factory's `predictDeterministicAddress` with a hash of the call data (NOT the address
 * Base would return: no network here to record that). Single and batched requests, over real HTTP.
 */
export async function fakeSplitRpc(chainId: number) {
  const calls: FactoryCall[] = [];
  const answer = (request: { id: number; method: string; params?: unknown[] }) => {
    if (request.method === "eth_chainId") return { result: `0x${chainId.toString(16)}` };
    if (request.method !== "eth_call")
      return { error: { code: -32601, message: `no ${request.method} here` } };
    const { to, data } = request.params![0] as { to: Address; data: Hex };
    const call = decodeFunctionData({ abi: splitV2o2FactoryAbi, data });
    if (call.functionName !== "predictDeterministicAddress")
      return { error: { code: -32000, message: `unexpected ${call.functionName}` } };
    const [split, owner, salt] = call.args as unknown as [
      { recipients: Address[]; allocations: bigint[]; totalAllocation: bigint },
      Address,
      Hex,
    ];
    calls.push({
      to: getAddress(to),
      ...split,
      recipients: [...split.recipients],
      allocations: [...split.allocations],
      owner,
      salt,
    });
    return {
      result: encodeFunctionResult({
        abi: splitV2o2FactoryAbi,
        functionName: "predictDeterministicAddress",
        result: fakeFactoryAnswer(data),
      }),
    };
  };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const parsed = JSON.parse(body);
      const reply = (r: { id: number; method: string }) => ({ jsonrpc: "2.0", id: r.id, ...answer(r) });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(reply) : reply(parsed)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the fake factory answers for a call: a hash of its call data. */
export function fakeFactoryAnswer(data: Hex): Address {
  return getAddress(slice(keccak256(data), 12));
}
