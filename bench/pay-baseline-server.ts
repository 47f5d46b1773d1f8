/**
 * The baseline, run as its own process (see pay-baseline.ts): the reference @x402/hono
 * `paymentMiddleware` on Node, selling one fixed answer. Its own process because the gateway
 * has workerd to itself too; in the benchmark's process it would share one event loop with the
 * paying clients and the facilitator and look slower than it is.
 */
import { serve } from "@hono/node-server";
import { HTTPFacilitatorClient, x402ResourceServer } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { paymentMiddleware } from "@x402/hono";
import { Hono } from "hono";
import { BASELINE_CONFIG_ENV, type BaselineConfig } from "./pay-baseline.ts";

function main(): void {
  const config = JSON.parse(process.env[BASELINE_CONFIG_ENV] ?? "") as BaselineConfig;
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: config.facilitatorUrl }));
  resourceServer.register(config.network, new ExactEvmScheme());
  const app = new Hono();
  app.use(
    paymentMiddleware(
      {
        [`GET ${config.path}`]: {
          accepts: {
            scheme: "exact",
            network: config.network,
            payTo: config.payTo,
            price: { amount: config.amount, asset: config.asset, extra: config.extra },
            maxTimeoutSeconds: 60,
          },
          description: "baseline",
          mimeType: "application/json",
        },
      },
      resourceServer,
    ),
  );
  app.get(config.path, (c) => c.body(config.body, 200, { "content-type": config.contentType }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
    // The parent reads this one line to learn the port.
    process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
  });
  process.on("SIGTERM", () => {
    server.close(() => process.exit(0));
    if ("closeAllConnections" in server) server.closeAllConnections();
  });
}

main();
