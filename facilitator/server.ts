import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { x402Facilitator } from "@x402/core/facilitator";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type FacilitatorConfig, type FacilitatorConfigInput, parseFacilitatorConfig } from "./config.ts";
import { createEvmNetwork, type EvmNetwork } from "./evm-network.ts";
import { type FacilitatorRequest, parseFacilitatorRequest } from "./request-body.ts";
import { isTransportError, RpcUnavailableError } from "./rpc-errors.ts";
import { createSettleOnce } from "./settle-once.ts";

/** Header on /settle answers saying how it was answered (first, joined, recorded, on-chain); for logs and tests. */
export const SETTLEMENT_OUTCOME_HEADER = "x-settlement-outcome";

/**
 * The facilitator's HTTP face, as `HTTPFacilitatorClient` from @x402/core speaks to it:
 * POST /verify, POST /settle, GET /supported, plus GET /health.
 */
export function createFacilitatorApp(input: FacilitatorConfigInput | FacilitatorConfig): Hono {
  const config = parseFacilitatorConfig(input);
  const networks = new Map<string, EvmNetwork>();
  const facilitator = new x402Facilitator();
  for (const { chainId, rpcUrl } of config.networks) {
    const network = createEvmNetwork(config, chainId, rpcUrl);
    networks.set(network.network, network);
    facilitator.register(network.network, new ExactEvmScheme(network.signer));
  }
  const settleOnce = createSettleOnce(facilitator, config.maxRecordedSettlements);

  const app = new Hono();
  app.use(
    "*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => c.json({ error: "body_too_large", reason: "max 64 KiB" }, 413),
    }),
  );

  app.get("/supported", (c) => c.json(facilitator.getSupported()));

  app.post("/verify", async (c) => {
    const parsed = await readRequest(c, networks);
    if ("error" in parsed) return parsed.error;
    const { request, network } = parsed;
    try {
      const result = await facilitator.verify(request.paymentPayload, request.paymentRequirements);
      // A verify that failed because the node is down must not read as "the payment is bad".
      if (!result.isValid && (await network.probe()) === undefined) {
        throw new RpcUnavailableError(network.network, network.rpcUrl, result.invalidMessage ?? "no answer");
      }
      return c.json(result);
    } catch (error) {
      return failure(c, error, network);
    }
  });

  app.post("/settle", async (c) => {
    const parsed = await readRequest(c, networks);
    if ("error" in parsed) return parsed.error;
    const { request, network } = parsed;
    try {
      const { response, outcome } = await settleOnce.settle(request, network);
      c.header(SETTLEMENT_OUTCOME_HEADER, outcome);
      return c.json(response);
    } catch (error) {
      return failure(c, error, network);
    }
  });

  app.get("/health", async (c) => {
    const checks = await Promise.all(
      [...networks.values()].map(async (n) => {
        const block = await n.probe();
        const balance = block === undefined ? undefined : await n.balance().catch(() => undefined);
        return {
          network: n.network,
          rpc: block === undefined ? "unreachable" : "ok",
          blockNumber: block?.toString(),
          facilitator: n.address,
          balanceWei: balance?.toString(),
        };
      }),
    );
    const ok = checks.every((check) => check.rpc === "ok");
    return c.json({ ok, networks: checks, recordedSettlements: settleOnce.size }, ok ? 200 : 503);
  });

  app.notFound((c) => c.json({ error: "not_found", reason: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => c.json({ error: "internal_error", reason: error.message }, 500));
  return app;
}

async function readRequest(
  c: Context,
  networks: Map<string, EvmNetwork>,
): Promise<{ request: FacilitatorRequest; network: EvmNetwork } | { error: Response }> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { error: c.json({ error: "invalid_request", reason: "body must be JSON" }, 400) };
  }
  const parsed = parseFacilitatorRequest(body);
  if (!parsed.ok) return { error: c.json({ error: "invalid_request", reason: parsed.reason }, 400) };
  const { paymentRequirements } = parsed.request;
  const network = networks.get(paymentRequirements.network);
  if (paymentRequirements.scheme !== "exact" || !network) {
    const served = [...networks.keys()].map((n) => `exact on ${n}`).join(", ");
    const reason = `unsupported scheme/network "${paymentRequirements.scheme}" on ${paymentRequirements.network}; this facilitator serves ${served}`;
    return { error: c.json({ error: "unsupported_scheme_or_network", reason }, 400) };
  }
  return { request: parsed.request, network };
}

function failure(c: Context, error: unknown, network: EvmNetwork): Response {
  if (error instanceof RpcUnavailableError || isTransportError(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return c.json({ error: "rpc_unavailable", network: network.network, reason }, 502);
  }
  return c.json(
    { error: "internal_error", reason: error instanceof Error ? error.message : String(error) },
    500,
  );
}

export interface StartFacilitatorOptions extends Partial<Omit<FacilitatorConfigInput, "networks">> {
  privateKey: `0x${string}`;
  /** Single-network shorthand; or pass `networks`. */
  rpcUrl?: string;
  chainId?: number;
  networks?: FacilitatorConfigInput["networks"];
}

export interface FacilitatorHandle {
  /** Base URL for `new HTTPFacilitatorClient({ url })`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the facilitator on 127.0.0.1 (port 0 = any free port) and resolves once it listens. */
export async function startFacilitator(options: StartFacilitatorOptions): Promise<FacilitatorHandle> {
  const { rpcUrl, chainId, networks, ...rest } = options;
  const config = parseFacilitatorConfig({
    ...rest,
    networks: networks ?? [{ chainId: chainId ?? 31337, rpcUrl: rpcUrl ?? "http://127.0.0.1:8545" }],
  });
  const app = createFacilitatorApp(config);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`cannot start facilitator: port ${config.port} on ${config.host} is already in use`)
          : error,
      ),
    );
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${config.host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would hold close() open; settles in flight still finish.
        if ("closeIdleConnections" in server) server.closeIdleConnections();
      }),
  };
}
