import type { BrowserContext } from "playwright-core";
import { createPublicClient, createWalletClient, type Hex, http, type PrivateKeyAccount } from "viem";
import { localChain } from "../../../chain/local-chain.ts";

/** A browser wallet for tests: its account can be switched, and every request it served is kept. */
export interface InjectedWallet {
  use(account: PrivateKeyAccount): void;
  /**
   * Sends `count` more transactions, then refuses every further one (EIP-1193 error 4001, as when a
   * person presses Reject) until called with `undefined`.
   */
  limitTransactions(count: number | undefined): void;
  readonly account: PrivateKeyAccount;
  /** The EIP-1193 methods the page asked for, in order. */
  readonly requests: string[];
}

const BINDING = "__402clawTestWallet";

/**
 * Injects `window.ethereum` (EIP-1193) into every page of `context`. Requests call back into Node,
 * where a viem account with a development key signs (personal_sign, eth_signTypedData_v4) and
 * sends transactions to the local anvil; any other method is the chain's own JSON-RPC.
 */
export async function injectWallet(
  context: BrowserContext,
  chain: { rpcUrl: string; chainId: number },
  initial: PrivateKeyAccount,
): Promise<InjectedWallet> {
  let account = initial;
  let allowance: number | undefined;
  const requests: string[] = [];
  const viemChain = localChain(chain.chainId, chain.rpcUrl);
  const publicClient = createPublicClient({ chain: viemChain, transport: http(chain.rpcUrl) });

  async function serve(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return [account.address];
      case "eth_chainId":
        return `0x${chain.chainId.toString(16)}`;
      case "wallet_switchEthereumChain": {
        const wanted = Number.parseInt(String((params[0] as { chainId: string }).chainId), 16);
        if (wanted !== chain.chainId) throw new Error(`this wallet only knows chain ${chain.chainId}`);
        return null;
      }
      case "personal_sign": {
        const [message, address] = params as [Hex, string];
        assertOwnAccount(address);
        return account.signMessage({ message: { raw: message } });
      }
      case "eth_signTypedData_v4": {
        const [address, json] = params as [string, string];
        assertOwnAccount(address);
        const typed = JSON.parse(json) as Parameters<PrivateKeyAccount["signTypedData"]>[0];
        return account.signTypedData(typed);
      }
      case "eth_sendTransaction": {
        const [tx] = params as [{ from: string; to: Hex; data?: Hex; value?: Hex; gas?: Hex }];
        assertOwnAccount(tx.from);
        if (allowance !== undefined) {
          if (allowance <= 0) throw new WalletRefusal(4001, "User rejected the request.");
          allowance--;
        }
        const wallet = createWalletClient({ account, chain: viemChain, transport: http(chain.rpcUrl) });
        return wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        });
      }
      default:
        return publicClient.request({ method, params } as never);
    }
  }

  function assertOwnAccount(address: string): void {
    if (address.toLowerCase() !== account.address.toLowerCase()) {
      throw new Error(`asked to sign for ${address}, but the wallet's account is ${account.address}`);
    }
  }

  await context.exposeFunction(BINDING, async (method: string, paramsJson: string) => {
    requests.push(method);
    try {
      const result = await serve(method, JSON.parse(paramsJson) as unknown[]);
      return JSON.stringify({ result });
    } catch (error) {
      // EIP-1193: a provider rejects with { code, message }; the page's viem maps 4001 to a rejection.
      const code = error instanceof WalletRefusal ? error.code : -32603;
      return JSON.stringify({
        error: { code, message: error instanceof Error ? error.message : String(error) },
      });
    }
  });
  await context.addInitScript((binding: string) => {
    const call = (window as unknown as Record<string, (method: string, params: string) => Promise<string>>)[
      binding
    ];
    const ethereum = {
      isTestWallet: true,
      async request({ method, params }: { method: string; params?: unknown[] }) {
        const bound = call ?? (window as unknown as Record<string, typeof call>)[binding];
        const answer = JSON.parse(await bound!(method, JSON.stringify(params ?? []))) as {
          result?: unknown;
          error?: { code: number; message: string };
        };
        if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
        return answer.result;
      },
      on() {},
      removeListener() {},
    };
    Object.defineProperty(window, "ethereum", { value: ethereum, configurable: false });
  }, BINDING);

  return {
    use(next) {
      account = next;
    },
    limitTransactions(count) {
      allowance = count;
    },
    get account() {
      return account;
    },
    requests,
  };
}

/** An EIP-1193 provider error: the code tells the page why (4001: the person refused). */
class WalletRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
