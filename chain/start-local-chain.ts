import { type AnvilHandle, type StartAnvilOptions, startAnvil } from "./anvil.ts";
import { type EnsureLocalChainOptions, ensureLocalChain, type LocalChain } from "./deploy.ts";

export interface StartLocalChainOptions extends StartAnvilOptions {
  cacheDir?: EnsureLocalChainOptions["cacheDir"];
  recordFile?: EnsureLocalChainOptions["recordFile"];
  payerBalance?: EnsureLocalChainOptions["payerBalance"];
}

export interface RunningLocalChain extends LocalChain {
  anvil: AnvilHandle;
  /** Stops anvil (its state file, if any, is written on the way out). */
  stop(): Promise<void>;
}

/** anvil + ensureLocalChain in one call: a chain with our token, Multicall3 and funded roles. */
export async function startLocalChain(options: StartLocalChainOptions = {}): Promise<RunningLocalChain> {
  const { cacheDir, recordFile, payerBalance, ...anvilOptions } = options;
  const anvil = await startAnvil(anvilOptions);
  try {
    const chain = await ensureLocalChain({
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      cacheDir,
      recordFile,
      payerBalance,
    });
    return { ...chain, anvil, stop: () => anvil.stop() };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
