// Test support: a resource server and clients built from the unmodified x402 SDK
// (`@x402/hono` middleware, `@x402/evm/batch-settlement/{server,client}`, `@x402/fetch`) against
// the local chain and facilitator, as any x402 user would build them.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { x402Client } from "@x402/core/client";
import { HTTPFacilitatorClient, x402ResourceServer } from "@x402/core/server";
import { toClientEvmSigner } from "@x402/evm";
import {
  BatchSettlementEvmScheme as BatchClientScheme,
  type ClientChannelStorage,
  InMemoryClientChannelStorage,
} from "@x402/evm/batch-settlement/client";
import {
  BatchSettlementEvmScheme as BatchServerScheme,
  type BatchSettlementChannelManager,
  InMemoryChannelStorage,
} from "@x402/evm/batch-settlement/server";
import { ExactEvmScheme as ExactClientScheme } from "@x402/evm/exact/client";
import { ExactEvmScheme as ExactServerScheme } from "@x402/evm/exact/server";
import { wrapFetchWithPayment } from "@x402/fetch";
import { paymentMiddleware } from "@x402/hono";
import { Hono } from "hono";
import { type Address, createPublicClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { wrapFetchReusingQuotes } from "../client/reuse-quotes.ts";
import {
  LOCAL_RECEIVER_AUTHORIZER,
  LOCAL_WITHDRAW_DELAY_SECONDS,
  receiverAuthorizerSigner,
} from "./batch-settlement.ts";
import type { LocalChain } from "./deploy.ts";
import { localChain } from "./local-chain.ts";

export interface PaidServer {
  url: string;
  scheme: BatchServerScheme;
  manager: BatchSettlementChannelManager;
  /** Requests the route handler answered (after payment checks). */
  served(): number;
  stop(): Promise<void>;
}

/** A Hono app selling `GET /data` for `amount` token units with batch-settlement first and exact second. */
export async function startPaidServer(options: {
  chain: LocalChain;
  facilitatorUrl: string;
  payTo: Address;
  amount: string;
  storage?: InMemoryChannelStorage;
}): Promise<PaidServer> {
  const { chain, payTo, amount } = options;
  const facilitator = new HTTPFacilitatorClient({ url: options.facilitatorUrl });
  const scheme = new BatchServerScheme(payTo, {
    storage: options.storage ?? new InMemoryChannelStorage(),
    receiverAuthorizerSigner: receiverAuthorizerSigner(LOCAL_RECEIVER_AUTHORIZER.privateKey),
    withdrawDelay: LOCAL_WITHDRAW_DELAY_SECONDS,
  });
  const resourceServer = new x402ResourceServer(facilitator)
    .register(chain.network, scheme)
    .register(chain.network, new ExactServerScheme());
  const price = { amount, asset: chain.asset, extra: { name: chain.tokenName, version: chain.tokenVersion } };
  let served = 0;
  const app = new Hono();
  app.use(
    paymentMiddleware(
      {
        "GET /data": {
          accepts: [
            { scheme: "batch-settlement", network: chain.network, payTo, price, maxTimeoutSeconds: 60 },
            { scheme: "exact", network: chain.network, payTo, price, maxTimeoutSeconds: 60 },
          ],
          description: "test data",
          mimeType: "application/json",
        },
      },
      resourceServer,
    ),
  );
  app.get("/data", (c) => {
    served++;
    return c.json({ rows: [1, 2, 3] });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/data`,
    scheme,
    manager: scheme.createChannelManager(facilitator, chain.network, chain.asset),
    served: () => served,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

export interface BatchPayer {
  fetch: typeof fetch;
  scheme: BatchClientScheme;
  /** The client's channel records (delete one to simulate a client that lost its state). */
  storage: ClientChannelStorage;
  address: Address;
}

/**
 * The official x402 client with the batch-settlement scheme registered beside exact, paying
 * as `privateKey`. Each deposit is `depositUnits` (or the SDK's default when omitted).
 */
export function batchPayer(options: {
  chain: LocalChain;
  privateKey: Hex;
  depositUnits?: bigint;
  storage?: ClientChannelStorage;
  salt?: Hex;
  /** Only exact (a client that does not know batch-settlement). */
  exactOnly?: boolean;
  /** The fetch the client sends its requests with (benchmarks time each leg with it). */
  baseFetch?: typeof fetch;
  /** Pay in one round trip once the API's 402 is known (client/reuse-quotes.ts). */
  reuseQuotes?: boolean;
}): BatchPayer {
  const { chain } = options;
  const account = privateKeyToAccount(options.privateKey);
  const publicClient = createPublicClient({
    chain: localChain(chain.chainId, chain.rpcUrl),
    transport: http(chain.rpcUrl),
  });
  const storage = options.storage ?? new InMemoryClientChannelStorage();
  const scheme = new BatchClientScheme(toClientEvmSigner(account, publicClient), {
    storage,
    ...(options.salt ? { salt: options.salt } : {}),
    ...(options.depositUnits ? { depositStrategy: () => options.depositUnits?.toString() } : {}),
  });
  const client = new x402Client();
  if (!options.exactOnly) client.register(chain.network, scheme);
  client
    .register(chain.network, new ExactClientScheme(account))
    .setSpendControls({ allowedAssets: [{ network: chain.network, asset: chain.asset }] });
  return {
    fetch: (options.reuseQuotes ? wrapFetchReusingQuotes : wrapFetchWithPayment)(
      options.baseFetch ?? fetch,
      client,
    ),
    scheme,
    storage,
    address: account.address,
  };
}
