import { type Address, getAddress, type Hex, hashTypedData, parseAbi } from "viem";
import {
  BATCH_SETTLEMENT_ADDRESS,
  BATCH_SETTLEMENT_DOMAIN,
  ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
} from "./batch-settlement.ts";
import { type Artifacts, isSameRuntimeCode } from "./compile.ts";
import type { ContractArtifact } from "./compile-solidity.ts";
import type { DevClient } from "./deploy.ts";

const collectorAbi = parseAbi(["function settlement() view returns (address)"]);
const digestAbi = parseAbi([
  "function getVoucherDigest(bytes32 channelId, uint128 maxClaimableAmount) view returns (bytes32)",
]);
const PROBE_CHANNEL = `0x${"ab".repeat(32)}` as Hex;

/**
 * Puts our batch-settlement contract and ERC-3009 deposit collector at the canonical addresses
 * `@x402/evm` expects. Each is deployed normally (so its constructor fills in the immutables:
 * the EIP-712 name/version hashes, the collector's settlement address) and its *deployed* code
 * is copied to the canonical address; setting the compiled code directly would leave those
 * immutables zeroed. Skips a contract already there and working, so it is safe on every start
 * and after a persisted chain is reloaded. Returns how many contracts it (re)placed.
 */
export async function placeBatchSettlement(client: DevClient, artifacts: Artifacts): Promise<number> {
  let placed = 0;
  const { X402BatchSettlement: settlement, ERC3009DepositCollector: collector } = artifacts.contracts;
  if (!(await isWorkingSettlement(client, settlement))) {
    await copyDeployed(client, settlement, [], BATCH_SETTLEMENT_ADDRESS);
    placed++;
  }
  if (!(await isWorkingCollector(client, collector))) {
    await copyDeployed(client, collector, [BATCH_SETTLEMENT_ADDRESS], ERC3009_DEPOSIT_COLLECTOR_ADDRESS);
    placed++;
  }
  return placed;
}

// Same code as this build, and its EIP-712 domain hashes what the SDK signs: a voucher digest
// computed on chain equals the one viem computes for the canonical domain.
async function isWorkingSettlement(client: DevClient, artifact: ContractArtifact): Promise<boolean> {
  const code = await client.getCode({ address: BATCH_SETTLEMENT_ADDRESS });
  if (!isSameRuntimeCode(artifact, code)) return false;
  const onChain = await client.readContract({
    address: BATCH_SETTLEMENT_ADDRESS,
    abi: digestAbi,
    functionName: "getVoucherDigest",
    args: [PROBE_CHANNEL, 1n],
  });
  const expected = hashTypedData({
    domain: {
      ...BATCH_SETTLEMENT_DOMAIN,
      chainId: client.chain.id,
      verifyingContract: BATCH_SETTLEMENT_ADDRESS,
    },
    types: {
      Voucher: [
        { name: "channelId", type: "bytes32" },
        { name: "maxClaimableAmount", type: "uint128" },
      ],
    },
    primaryType: "Voucher",
    message: { channelId: PROBE_CHANNEL, maxClaimableAmount: 1n },
  });
  return onChain === expected;
}

async function isWorkingCollector(client: DevClient, artifact: ContractArtifact): Promise<boolean> {
  const code = await client.getCode({ address: ERC3009_DEPOSIT_COLLECTOR_ADDRESS });
  if (!isSameRuntimeCode(artifact, code)) return false;
  const settlement = await client.readContract({
    address: ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
    abi: collectorAbi,
    functionName: "settlement",
  });
  return getAddress(settlement) === BATCH_SETTLEMENT_ADDRESS;
}

async function copyDeployed(
  client: DevClient,
  artifact: ContractArtifact,
  args: readonly unknown[],
  target: Address,
): Promise<void> {
  const hash = await client.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
    account: client.account,
    chain: client.chain,
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) {
    throw new Error(`deploying the template for ${target} failed`);
  }
  const deployed = await client.getCode({ address: receipt.contractAddress });
  if (!deployed || deployed === "0x") throw new Error(`no code at the template for ${target}`);
  await client.setCode({ address: target, bytecode: deployed });
}
