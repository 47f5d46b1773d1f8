import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type Address,
  createTestClient,
  getAddress,
  getContractAddress,
  http,
  isAddress,
  parseEther,
  publicActions,
  walletActions,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type DevAccount, ROLES } from "./accounts.ts";
import {
  BATCH_SETTLEMENT_ADDRESS,
  ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
  LOCAL_RECEIVER_AUTHORIZER,
  LOCAL_WITHDRAW_DELAY_SECONDS,
} from "./batch-settlement.ts";
import { type Artifacts, compileContracts, isSameRuntimeCode } from "./compile.ts";
import { caip2, localChain, MULTICALL3_ADDRESS } from "./local-chain.ts";
import { placeBatchSettlement } from "./place-batch-settlement.ts";
import { USDC3009_DECIMALS, USDC3009_NAME, USDC3009_VERSION, usdc3009Abi } from "./usdc3009-abi.ts";

export interface EnsureLocalChainOptions {
  rpcUrl: string;
  chainId: number;
  /** Compiled-artifact cache (see compileContracts). */
  cacheDir?: string;
  /** A token address remembered from an earlier run; re-used if our token is still there. */
  knownAsset?: Address;
  /** JSON file that remembers the token address between runs (read, then written). */
  recordFile?: string;
  /** The demo payer is topped up to this many token units (default 1,000,000 USDC). */
  payerBalance?: bigint;
}

export interface LocalChain {
  rpcUrl: string;
  chainId: number;
  /** CAIP-2 id for x402, e.g. "eip155:31337". */
  network: `eip155:${number}`;
  asset: Address;
  tokenName: typeof USDC3009_NAME;
  tokenVersion: typeof USDC3009_VERSION;
  decimals: typeof USDC3009_DECIMALS;
  multicall3: Address;
  /** The x402 batch-settlement contracts at their canonical addresses, and the local channel terms. */
  batchSettlement: {
    settlement: Address;
    depositCollector: Address;
    withdrawDelay: number;
    /** Signs ClaimBatch/Refund for every API's channels locally (a platform secret in production). */
    receiverAuthorizer: { address: Address; privateKey: `0x${string}` };
  };
  /** True when this call deployed the token; false when it re-used one already on chain. */
  deployedNow: boolean;
  deployer: DevAccount;
  facilitator: DevAccount;
  payer: DevAccount;
}

const DEFAULT_PAYER_BALANCE = 1_000_000n * 10n ** BigInt(USDC3009_DECIMALS);
const FACILITATOR_MIN_ETH = parseEther("100");
const FACILITATOR_ETH = parseEther("10000");

/**
 * Makes an anvil chain ready for local payments: our EIP-3009 token deployed (or re-used),
 * Multicall3 and the x402 batch-settlement contracts at their canonical addresses, the demo
 * payer funded with tokens and the facilitator with ETH. Safe to call on every start.
 */
export async function ensureLocalChain(options: EnsureLocalChainOptions): Promise<LocalChain> {
  const { rpcUrl, chainId } = options;
  const artifacts = await compileContracts(options.cacheDir ? { cacheDir: options.cacheDir } : {});
  const deployerAccount = privateKeyToAccount(ROLES.deployer.privateKey);
  const client = devClient(rpcUrl, chainId);

  const actualChainId = await client.getChainId();
  if (actualChainId !== chainId) {
    throw new Error(`chain at ${rpcUrl} has id ${actualChainId}, expected ${chainId}`);
  }

  await placeMulticall3(client, artifacts);

  const recorded = options.recordFile ? await readRecord(options.recordFile, chainId) : undefined;
  // The deployer's first CREATE address is where a fresh chain puts the token, so a chain
  // restored from a state file is recognised even without a record.
  const candidates = [
    options.knownAsset,
    recorded,
    getContractAddress({ from: deployerAccount.address, nonce: 0n }),
  ];
  let asset: Address | undefined;
  for (const candidate of candidates) {
    if (candidate && (await isOurToken(client, artifacts, candidate))) {
      asset = getAddress(candidate);
      break;
    }
  }
  const deployedNow = asset === undefined;
  if (!asset) {
    const { abi, bytecode } = artifacts.contracts.Usdc3009;
    const hash = await client.deployContract({
      abi,
      bytecode,
      account: deployerAccount,
      chain: client.chain,
    });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress)
      throw new Error("deploying Usdc3009 failed");
    asset = getAddress(receipt.contractAddress);
  }
  if (options.recordFile) await writeRecord(options.recordFile, chainId, asset);
  // After the token: a fresh chain's first deployer nonce must go to the token (see candidates).
  await placeBatchSettlement(client, artifacts);

  await topUpPayer(client, asset, options.payerBalance ?? DEFAULT_PAYER_BALANCE);
  const facilitatorEth = await client.getBalance({ address: ROLES.facilitator.address });
  if (facilitatorEth < FACILITATOR_MIN_ETH) {
    await client.setBalance({ address: ROLES.facilitator.address, value: FACILITATOR_ETH });
  }

  return {
    rpcUrl,
    chainId,
    network: caip2(chainId),
    asset,
    tokenName: USDC3009_NAME,
    tokenVersion: USDC3009_VERSION,
    decimals: USDC3009_DECIMALS,
    multicall3: MULTICALL3_ADDRESS,
    batchSettlement: {
      settlement: BATCH_SETTLEMENT_ADDRESS,
      depositCollector: ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
      withdrawDelay: LOCAL_WITHDRAW_DELAY_SECONDS,
      receiverAuthorizer: {
        address: LOCAL_RECEIVER_AUTHORIZER.address,
        privateKey: LOCAL_RECEIVER_AUTHORIZER.privateKey,
      },
    },
    deployedNow,
    deployer: ROLES.deployer,
    facilitator: ROLES.facilitator,
    payer: ROLES.payer,
  };
}

/** anvil test + public + wallet actions, signing as the deployer. */
function devClient(rpcUrl: string, chainId: number) {
  return createTestClient({
    mode: "anvil",
    chain: localChain(chainId, rpcUrl),
    transport: http(rpcUrl, { retryCount: 0 }),
    account: privateKeyToAccount(ROLES.deployer.privateKey),
  })
    .extend(publicActions)
    .extend(walletActions);
}
export type DevClient = ReturnType<typeof devClient>;

async function placeMulticall3(client: DevClient, artifacts: Artifacts): Promise<void> {
  const code = await client.getCode({ address: MULTICALL3_ADDRESS });
  const { deployedBytecode } = artifacts.contracts.Multicall3;
  if (code?.toLowerCase() !== deployedBytecode.toLowerCase()) {
    await client.setCode({ address: MULTICALL3_ADDRESS, bytecode: deployedBytecode });
  }
}

// Same runtime code as the current build (so an edited contract gets redeployed), the
// expected EIP-712 identity, and owned by the deployer (so the faucet can mint).
async function isOurToken(client: DevClient, artifacts: Artifacts, address: Address): Promise<boolean> {
  const code = await client.getCode({ address });
  if (!isSameRuntimeCode(artifacts.contracts.Usdc3009, code)) return false;
  const [name, version, decimals, owner] = await Promise.all([
    client.readContract({ address, abi: usdc3009Abi, functionName: "name" }),
    client.readContract({ address, abi: usdc3009Abi, functionName: "version" }),
    client.readContract({ address, abi: usdc3009Abi, functionName: "decimals" }),
    client.readContract({ address, abi: usdc3009Abi, functionName: "owner" }),
  ]);
  return (
    name === USDC3009_NAME &&
    version === USDC3009_VERSION &&
    decimals === USDC3009_DECIMALS &&
    owner.toLowerCase() === ROLES.deployer.address.toLowerCase()
  );
}

async function topUpPayer(client: DevClient, asset: Address, target: bigint): Promise<void> {
  const balance = await client.readContract({
    address: asset,
    abi: usdc3009Abi,
    functionName: "balanceOf",
    args: [ROLES.payer.address],
  });
  if (balance >= target) return;
  const hash = await client.writeContract({
    address: asset,
    abi: usdc3009Abi,
    functionName: "mint",
    args: [ROLES.payer.address, target - balance],
    account: privateKeyToAccount(ROLES.deployer.privateKey),
    chain: client.chain,
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("minting test USDC to the demo payer failed");
}

async function readRecord(file: string, chainId: number): Promise<Address | undefined> {
  try {
    const record = JSON.parse(await readFile(file, "utf8")) as { chainId?: number; asset?: string };
    return record.chainId === chainId && record.asset && isAddress(record.asset) ? record.asset : undefined;
  } catch {
    return undefined;
  }
}

async function writeRecord(file: string, chainId: number, asset: Address): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ chainId, asset }, null, 2)}\n`);
}
