import { type FacilitatorEvmSigner, toFacilitatorEvmSigner } from "@x402/evm";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  isAddressEqual,
  parseAbi,
  parseEventLogs,
  publicActions,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createNonceManager, jsonRpc } from "viem/nonce";
import { caip2, localChain } from "../chain/local-chain.ts";
import type { FacilitatorConfig } from "./config.ts";

const eip3009ReadAbi = parseAbi([
  "function authorizationState(address authorizer, bytes32 nonce) view returns (bool)",
  "event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
]);

/** One EVM chain the facilitator settles on: its clients, its x402 signer, and the reads settle-once needs. */
export interface EvmNetwork {
  network: `eip155:${number}`;
  chainId: number;
  rpcUrl: string;
  address: Address;
  signer: FacilitatorEvmSigner;
  /** True when the token records this (authorizer, nonce) as used or canceled. */
  authorizationUsed(asset: Address, authorizer: Address, nonce: Hex): Promise<boolean>;
  /** The transaction that used this authorization to pay `to` exactly `value`, if one is found. */
  findSettlement(
    asset: Address,
    authorization: { from: Address; to: Address; value: bigint; nonce: Hex },
  ): Promise<Hex | undefined>;
  /** Block number if the RPC answers within the probe timeout, undefined otherwise. */
  probe(): Promise<bigint | undefined>;
  balance(): Promise<bigint>;
}

/** Builds the clients for one network; the account uses viem's nonceManager so concurrent settles get distinct tx nonces. */
export function createEvmNetwork(config: FacilitatorConfig, chainId: number, rpcUrl: string): EvmNetwork {
  const chain = localChain(chainId, rpcUrl);
  const transport = http(rpcUrl, { timeout: config.rpcTimeoutMs, retryCount: 1 });
  // One nonce manager per facilitator, not viem's process-wide one: a facilitator restarted in the
  // same process against a rebuilt chain must not reuse nonces it counted on the old chain.
  const account = privateKeyToAccount(config.privateKey, {
    nonceManager: createNonceManager({ source: jsonRpc() }),
  });
  const client = createWalletClient({
    account,
    chain,
    transport,
    pollingInterval: config.pollingIntervalMs,
  }).extend(publicActions);
  const probeClient = createPublicClient({
    chain,
    transport: http(rpcUrl, { timeout: 2_000, retryCount: 0 }),
  });

  // x402's signer interface takes loosely typed ABIs and args; viem's own types are stricter, so
  // each call is forwarded with its arguments re-typed for viem.
  const signer = toFacilitatorEvmSigner(
    {
      address: account.address,
      readContract: (args) => client.readContract(args as Parameters<typeof client.readContract>[0]),
      verifyTypedData: (args) => client.verifyTypedData(args as Parameters<typeof client.verifyTypedData>[0]),
      writeContract: (args) => client.writeContract(args as Parameters<typeof client.writeContract>[0]),
      sendTransaction: (args) => client.sendTransaction(args),
      waitForTransactionReceipt: (args) => client.waitForTransactionReceipt(args),
      getCode: (args) => client.getCode(args),
    },
    { confirmationTimeoutMs: config.confirmationTimeoutMs },
  );

  return {
    network: caip2(chainId),
    chainId,
    rpcUrl,
    address: account.address,
    signer,
    authorizationUsed: (asset, authorizer, nonce) =>
      client.readContract({
        address: asset,
        abi: eip3009ReadAbi,
        functionName: "authorizationState",
        args: [authorizer, nonce],
      }),
    async findSettlement(asset, authorization) {
      const latest = await client.getBlockNumber();
      const lookback = BigInt(config.lookbackBlocks);
      const logs = await client.getLogs({
        address: asset,
        event: eip3009ReadAbi[1],
        args: { authorizer: authorization.from, nonce: authorization.nonce },
        fromBlock: latest > lookback ? latest - lookback : 0n,
        toBlock: latest,
      });
      for (const log of logs) {
        const receipt = await client.getTransactionReceipt({ hash: log.transactionHash });
        if (receipt.status !== "success") continue;
        const transfers = parseEventLogs({
          abi: eip3009ReadAbi,
          eventName: "Transfer",
          logs: receipt.logs.filter((l) => isAddressEqual(l.address, asset)),
        });
        const paid = transfers.some(
          (t) =>
            isAddressEqual(t.args.from, authorization.from) &&
            isAddressEqual(t.args.to, authorization.to) &&
            t.args.value === authorization.value,
        );
        if (paid) return log.transactionHash;
      }
      return undefined;
    },
    async probe() {
      try {
        return await probeClient.getBlockNumber({ cacheTime: 0 });
      } catch {
        return undefined;
      }
    },
    balance: () => client.getBalance({ address: account.address }),
  };
}
