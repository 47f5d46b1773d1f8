import type { PaymentOption } from "@x402/core/http";
import { type RouteConfig, x402HTTPResourceServer, x402ResourceServer } from "@x402/core/server";
import type { Price } from "@x402/core/types";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { bazaarResourceServerExtension } from "@x402/extensions/bazaar";
import { paymentMiddlewareFromHTTPServer } from "@x402/hono";
import { Hono } from "hono";
import { privateKeyToAccount } from "viem/accounts";
import { currentCall } from "./call-context.ts";
import { PayerChannelStorage } from "./channel-storage.ts";
import { facilitatorFor } from "./facilitator.ts";
import { BATCH_SCHEME } from "./inspect-payment.ts";
import { installLedgerHooks } from "./ledger-hooks.ts";
import type { PaymentConfig } from "./payment-config.ts";

/** The isolate's x402 gate: one resource server, one middleware, one Hono app for every API. */
export interface PaymentGate {
  app: Hono;
  /** Fetches the facilitator's supported kinds once; false (and retried next time) if it cannot be reached. */
  ready(): Promise<boolean>;
}

const gates = new WeakMap<PaymentConfig, PaymentGate>();

/**
 * The payment gate for these settings, built once per isolate. Everything that differs per API
 * (price, payTo, description, discovery block, resource URL) is read from the current call
 * (call-context.ts) when x402 asks for it, so nothing is rebuilt on the request path.
 */
export function paymentGate(config: PaymentConfig): PaymentGate {
  let gate = gates.get(config);
  if (!gate) {
    gate = buildGate(config);
    gates.set(config, gate);
  }
  return gate;
}

function buildGate(config: PaymentConfig): PaymentGate {
  const facilitator = facilitatorFor(config, () => currentCall()?.trace);
  const server = new x402ResourceServer(facilitator);
  server.register(config.network, new ExactEvmScheme());
  if (config.batch) {
    const signer = privateKeyToAccount(config.batch.receiverAuthorizerKey);
    // The receiver is per API (the requirements' payTo); the scheme's own receiver only matters to
    // channel managers, which run in the payer ledgers (ledger/batch-settler.ts), not here.
    server.register(
      config.network,
      new BatchSettlementEvmScheme(signer.address, {
        storage: new PayerChannelStorage(),
        receiverAuthorizerSigner: signer,
        withdrawDelay: config.batch.withdrawDelaySeconds,
      }),
    );
  }
  server.registerExtension(bazaarResourceServerExtension);
  installLedgerHooks(server, facilitator);
  const httpServer = new x402HTTPResourceServer(server, currentApiRoute(config));
  // Initialisation is ours (below), so a facilitator outage is the gateway's 502, not x402's 500.
  const middleware = paymentMiddlewareFromHTTPServer(httpServer, undefined, undefined, false);
  const app = new Hono();
  app.use(middleware);
  app.all("*", async () => {
    const call = currentCall();
    if (!call) throw new Error("the payment gate ran outside a paid call");
    return call.serve();
  });
  let initialized: Promise<void> | undefined;
  return {
    app,
    async ready() {
      initialized ??= httpServer.initialize();
      try {
        await initialized;
        return true;
      } catch {
        initialized = undefined;
        return false;
      }
    },
  };
}

/**
 * The one route every API shares. Its per-API fields are getters over the current call's own
 * route (route-config.ts); outside a call (x402's construction-time checks) they are empty, which
 * also keeps x402 from validating the discovery block with ajv (`new Function`, forbidden in workerd).
 */
function currentApiRoute(config: PaymentConfig): RouteConfig {
  const route = () => currentCall()?.route;
  const option = (scheme: string): PaymentOption => ({
    scheme,
    network: config.network,
    maxTimeoutSeconds: config.maxTimeoutSeconds,
    payTo: () => offered(route()?.accepts, scheme).payTo as string,
    price: () => offered(route()?.accepts, scheme).price as Price,
  });
  return {
    accepts: config.batch ? [option(BATCH_SCHEME), option("exact")] : [option("exact")],
    mimeType: "application/json",
    get resource() {
      return route()?.resource;
    },
    get description() {
      return route()?.description;
    },
    get extensions() {
      return route()?.extensions;
    },
  };
}

function offered(accepts: RouteConfig["accepts"] | undefined, scheme: string): PaymentOption {
  const found = [accepts ?? []].flat().find((option) => option.scheme === scheme);
  if (!found) throw new Error(`no ${scheme} offer for this call`);
  return found;
}
