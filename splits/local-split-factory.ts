import {
  type Account,
  type Address,
  concat,
  createPublicClient,
  createWalletClient,
  getContractAddress,
  type Hex,
  http,
  keccak256,
  stringToBytes,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ROLES } from "../chain/accounts.ts";
import { localChain } from "../chain/local-chain.ts";
import { compileLocalSplitFactory, type LocalSplitArtifacts } from "./compile-local-split-factory.ts";

/**
 * The deterministic-deployment proxy (Arachnid's CREATE2 deployer) that anvil pre-deploys and most
 * public chains have: deploying through it makes the factory's address depend only on its bytecode,
 * not on any account's nonce, so split addresses survive chain resets.
 */
export const CREATE2_DEPLOYER: Address = "0x4e59b44847b379578588920cA78FbF26c0B4956C";
const FACTORY_SALT = keccak256(stringToBytes("402claw:local-split-factory:v1"));

export interface LocalSplitFactory {
  address: Address;
  artifacts: LocalSplitArtifacts;
  /** Transaction that deployed the factory in this call; absent when it was already there. */
  txHash?: Hex;
}

export interface EnsureLocalSplitFactoryOptions {
  rpcUrl: string;
  chainId: number;
  /** Pays for the one-time deployment; default the local deployer (account #0). */
  sender?: Account;
  /** Compiled-artifact cache; default `<repo>/.local/artifacts`. */
  cacheDir?: string;
}

/** Where the stand-in factory lives on any chain with the CREATE2 deployer (pure, no RPC). */
export function localSplitFactoryAddress(artifacts: LocalSplitArtifacts): Address {
  return getContractAddress({
    opcode: "CREATE2",
    from: CREATE2_DEPLOYER,
    salt: FACTORY_SALT,
    bytecode: artifacts.factory.bytecode,
  });
}

/**
 * Deploys the local split factory once (idempotent: returns the existing one). Call it after
 * `ensureLocalChain`, so the deployer's first nonce still goes to the token as deploy.ts expects.
 */
export async function ensureLocalSplitFactory(
  options: EnsureLocalSplitFactoryOptions,
): Promise<LocalSplitFactory> {
  const artifacts = await compileLocalSplitFactory(options.cacheDir ? { cacheDir: options.cacheDir } : {});
  const address = localSplitFactoryAddress(artifacts);
  const chain = localChain(options.chainId, options.rpcUrl);
  const transport = http(options.rpcUrl, { retryCount: 0 });
  const client = createPublicClient({ chain, transport });
  if (await hasCode(client, address)) return { address, artifacts };

  if (!(await hasCode(client, CREATE2_DEPLOYER))) {
    throw new Error(
      `cannot deploy the local split factory: the CREATE2 deployer ${CREATE2_DEPLOYER} is missing on ${options.rpcUrl}. ` +
        "Start anvil without --disable-default-create2-deployer.",
    );
  }
  const sender = options.sender ?? privateKeyToAccount(ROLES.deployer.privateKey);
  const wallet = createWalletClient({ chain, transport, account: sender });
  // The proxy's calldata is salt ++ init code; it CREATE2s the init code with that salt.
  const txHash = await wallet.sendTransaction({
    to: CREATE2_DEPLOYER,
    data: concat([FACTORY_SALT, artifacts.factory.bytecode]),
  });
  const receipt = await client.waitForTransactionReceipt({ hash: txHash });
  if (receipt.status !== "success" || !(await hasCode(client, address))) {
    throw new Error(`deploying the local split factory failed (tx ${txHash}); expected it at ${address}`);
  }
  return { address, artifacts, txHash };
}

async function hasCode(
  client: { getCode(args: { address: Address }): Promise<Hex | undefined> },
  address: Address,
) {
  const code = await client.getCode({ address });
  return code !== undefined && code !== "0x";
}
