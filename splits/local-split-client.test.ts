import {
  type Address,
  createPublicClient,
  createWalletClient,
  custom,
  erc20Abi,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount, ROLES } from "../chain/accounts.ts";
import { freePort } from "../chain/free-port.ts";
import { localChain } from "../chain/local-chain.ts";
import { type RunningLocalChain, startLocalChain } from "../chain/start-local-chain.ts";
import { createLocalSplitClient } from "./local-split-client.ts";
import { ensureLocalSplitFactory, type LocalSplitFactory } from "./local-split-factory.ts";
import { resolveSplitTerms, type SplitTerms } from "./split-terms.ts";

// The split client as the dashboard drives it: an EIP-1193 provider as transport (the wallet sends
// the transactions; the page holds no key) and no compiler, so addresses come from the factory.

const creator = devAccount(5);
const platformWallet = privateKeyToAccount(generatePrivateKey()).address;
let chain: RunningLocalChain;
let client: PublicClient;
let factory: LocalSplitFactory;
const sent: string[] = [];

beforeAll(async () => {
  chain = await startLocalChain({ port: await freePort() });
  client = createPublicClient({
    chain: localChain(chain.chainId, chain.rpcUrl),
    transport: http(chain.rpcUrl),
  });
  factory = await ensureLocalSplitFactory({ rpcUrl: chain.rpcUrl, chainId: chain.chainId });
});

afterAll(async () => {
  await chain?.stop();
});

/** A minimal browser wallet: it signs and sends for one key; every other call is the node's. */
function walletProvider(key: Hex) {
  const account = privateKeyToAccount(key);
  const signer = createWalletClient({
    account,
    chain: localChain(chain.chainId, chain.rpcUrl),
    transport: http(chain.rpcUrl),
  });
  return {
    async request({ method, params }: { method: string; params?: unknown }) {
      if (method !== "eth_sendTransaction") return client.request({ method, params } as never);
      const [tx] = params as [{ from: Address; to: Address; data: Hex }];
      if (tx.from.toLowerCase() !== account.address.toLowerCase())
        throw new Error(`not my account: ${tx.from}`);
      sent.push(tx.to);
      return signer.sendTransaction({ to: tx.to, data: tx.data });
    },
  };
}

const terms = (apiSlug: string): SplitTerms =>
  resolveSplitTerms({
    apiSlug,
    creator: creator.address,
    platformWallet,
    platformFeeBps: 1000,
    minBps: 1000,
    maxBps: 1000,
  });

const balanceOf = (owner: Address) =>
  client.readContract({ address: chain.asset, abi: erc20Abi, functionName: "balanceOf", args: [owner] });

describe("the local split client over a browser wallet", () => {
  it("predicts through the factory the address the offline prediction gives", async () => {
    const wallet = createLocalSplitClient({
      chain: localChain(chain.chainId, chain.rpcUrl),
      transport: custom(walletProvider(creator.privateKey)),
      factory: factory.address,
    });
    const offline = createLocalSplitClient({
      chain: localChain(chain.chainId, chain.rpcUrl),
      transport: http(chain.rpcUrl),
      factory: factory.address,
      paymentSplitterBytecode: factory.artifacts.paymentSplitter.bytecode,
    });
    for (const slug of ["weather", "quotes"]) {
      expect(await wallet.predictAddress(terms(slug))).toBe(await offline.predictAddress(terms(slug)));
    }
  });

  it("creates a never-deployed split and releases both shares with transactions the wallet sent", async () => {
    const t = terms("fresh-from-the-browser");
    const mined: Array<{ hash: Hex; creatorBalance: bigint }> = [];
    const splitter = createLocalSplitClient({
      chain: localChain(chain.chainId, chain.rpcUrl),
      transport: custom(walletProvider(creator.privateKey)),
      factory: factory.address,
      pollingInterval: 50,
      // Told of each transaction once it is mined, before the next is sent.
      onMined: async (hash) => {
        mined.push({ hash, creatorBalance: await balanceOf(creator.address) });
      },
    });
    const split = await splitter.predictAddress(t);
    // Revenue arrives before the split exists, as x402 payments to a predicted payTo do.
    const funder = createWalletClient({
      account: privateKeyToAccount(ROLES.payer.privateKey),
      chain: localChain(chain.chainId, chain.rpcUrl),
      transport: http(chain.rpcUrl),
    });
    const hash = await funder.writeContract({
      address: chain.asset,
      abi: erc20Abi,
      functionName: "transfer",
      args: [split, 1_000_000n],
    });
    await client.waitForTransactionReceipt({ hash });
    expect(await splitter.isDeployed(t)).toBe(false);
    const before = await balanceOf(creator.address);

    sent.length = 0;
    const result = await splitter.withdrawCreatorShare(t, chain.asset, {
      address: creator.address,
      type: "json-rpc",
    });
    expect(sent).toEqual([factory.address, split, split]);
    expect(result.txHashes).toHaveLength(3);
    expect(mined.map((entry) => entry.hash)).toEqual(result.txHashes);
    expect(mined.map((entry) => entry.creatorBalance - before)).toEqual([0n, 900_000n, 900_000n]);
    expect([result.creatorPaid, result.platformPaid]).toEqual([900_000n, 100_000n]);
    expect(await balanceOf(creator.address)).toBe(before + 900_000n);
    expect(await balanceOf(platformWallet)).toBe(100_000n);
    expect(await balanceOf(split)).toBe(0n);

    const again = await splitter.withdrawCreatorShare(t, chain.asset, {
      address: creator.address,
      type: "json-rpc",
    });
    expect(again).toMatchObject({ nothingToWithdraw: true, txHashes: [] });
  });
});
