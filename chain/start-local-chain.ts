import { type AnvilHandle, type StartAnvilOptions, setBlockTime, startAnvil } from "./anvil.ts";
import { type EnsureLocalChainOptions, ensureLocalChain, type LocalChain } from "./deploy.ts";

export interface StartLocalChainOptions extends StartAnvilOptions {
  cacheDir?: EnsureLocalChainOptions["cacheDir"];
  recordFile?: EnsureLocalChainOptions["recordFile"];
  payerBalance?: EnsureLocalChainOptions["payerBalance"];
  /**
   * Mine a block every this many seconds once the chain is set up (default: each transaction at
   * once). Setup itself runs with instant mining, so start-up does not wait for blocks.
   */
  blockTimeSeconds?: number;
}

export interface RunningLocalChain extends LocalChain {
  anvil: AnvilHandle;
  /** Seconds between blocks, or undefined when every transaction is mined at once. */
  blockTimeSeconds: number | undefined;
  /** Stops anvil (its state file, if any, is written on the way out). */
  stop(): Promise<void>;
}

/**
 * anvil + ensureLocalChain in one call: a chain with our token, Multicall3, the batch-settlement
 * contracts and funded roles, mining at once or every `blockTimeSeconds`.
 */
export async function startLocalChain(options: StartLocalChainOptions = {}): Promise<RunningLocalChain> {
  const { cacheDir, recordFile, payerBalance, blockTimeSeconds, ...anvilOptions } = options;
  const anvil = await startAnvil(anvilOptions);
  try {
    const chain = await ensureLocalChain({
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      cacheDir,
      recordFile,
      payerBalance,
    });
    if (blockTimeSeconds) await setBlockTime(anvil.rpcUrl, blockTimeSeconds);
    return { ...chain, anvil, blockTimeSeconds: blockTimeSeconds || undefined, stop: () => anvil.stop() };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
