import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { x402Facilitator } from "@x402/core/facilitator";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/facilitator";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { errorResponse, errorToResponse, HttpError } from "../runtime/shared/http-error.ts";
import { type BatchFacilitatorRequest, parseBatchRequest } from "./batch-request-body.ts";
import { type FacilitatorConfig, type FacilitatorConfigInput, parseFacilitatorConfig } from "./config.ts";
import { createEvmNetwork, type EvmNetwork } from "./evm-network.ts";
import { type FacilitatorRequest, parseFacilitatorRequest } from "./request-body.ts";
import { isTransportError, RpcUnavailableError } from "./rpc-errors.ts";
import { createSettleBatch } from "./settle-batch.ts";
import { createSettleOnce } from "./settle-once.ts";

/** Header on /settle answers saying how it was answered (first, joined, recorded, on-chain); for logs and tests. */
export const SETTLEMENT_OUTCOME_HEADER = "x-settlement-outcome";
const MAX_BODY_BYTES = 64 * 1024;
// A batch-settlement claim of 100 channels is ~65 KB of JSON; only /settle takes claims.
const MAX_SETTLE_BODY_BYTES = 256 * 1024;
const SCHEMES = ["exact", "batch-settlement"] as const;

/**
 * The facilitator's HTTP face, as `HTTPFacilitatorClient` from @x402/core speaks to it:
 * POST /verify, POST /settle, GET /supported, plus GET /health. Serves `exact` and
 * `batch-settlement` (deposits, claims, settles, refunds; it only relays: the resource server
 * signs claims and refunds with its own receiver-authorizer key).
 */
export function createFacilitatorApp(input: FacilitatorConfigInput | FacilitatorConfig): Hono {
  const config = parseFacilitatorConfig(input);
  const networks = new Map<string, EvmNetwork>();
  const facilitator = new x402Facilitator();
  for (const { chainId, rpcUrl } of config.networks) {
    const network = createEvmNetwork(config, chainId, rpcUrl);
    networks.set(network.network, network);
    facilitator.register(network.network, new ExactEvmScheme(network.signer));
    facilitator.register(network.network, new BatchSettlementEvmScheme(network.signer));
  }
  const settleOnce = createSettleOnce(facilitator, config.maxRecordedSettlements);
  const settleBatch = createSettleBatch(facilitator, config.maxRecordedSettlements);

  const app = new Hono();
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () =>
        errorResponse(413, "body_too_large", `the request body is larger than ${maxSize / 1024} KiB`, {
          maxBytes: maxSize,
        }),
    });
  app.use("/settle", limit(MAX_SETTLE_BODY_BYTES));
  app.use("*", async (c, next) => (c.req.path === "/settle" ? next() : limit(MAX_BODY_BYTES)(c, next)));

  app.get("/supported", (c) => c.json(facilitator.getSupported()));

  app.post("/verify", async (c) => {
    const { request, network } = await readRequest(c, networks);
    try {
      const result = await facilitator.verify(request.paymentPayload, request.paymentRequirements);
      // A verify that failed because the node is down must not read as "the payment is bad".
      if (!result.isValid && (await network.probe()) === undefined) {
        throw new RpcUnavailableError(network.network, network.rpcUrl, result.invalidMessage ?? "no answer");
      }
      return c.json(result);
    } catch (error) {
      throw failure(error, network);
    }
  });

  app.post("/settle", async (c) => {
    const { request, network, batch } = await readRequest(c, networks);
    try {
      const { response, outcome } = batch
        ? await settleBatch.settle(batch, network)
        : await settleOnce.settle(request as FacilitatorRequest, network);
      c.header(SETTLEMENT_OUTCOME_HEADER, outcome);
      return c.json(response);
    } catch (error) {
      throw failure(error, network);
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

  // The x402 answers of /verify and /settle keep their protocol shape (HTTPFacilitatorClient reads
  // them); the facilitator's own errors take the platform's one error shape.
  app.notFound((c) => errorResponse(404, "not_found", `no route ${c.req.method} ${c.req.path}`));
  app.onError((error) => errorToResponse(error, "facilitator", `the facilitator failed: ${error.message}`));
  return app;
}

interface ReadRequest {
  request: FacilitatorRequest | BatchFacilitatorRequest;
  network: EvmNetwork;
  /** Set for batch-settlement bodies. */
  batch?: BatchFacilitatorRequest;
}

async function readRequest(c: Context, networks: Map<string, EvmNetwork>): Promise<ReadRequest> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HttpError(400, "invalid_request", "body must be JSON");
  }
  if (requestedScheme(body) === "batch-settlement") {
    const parsed = parseBatchRequest(body);
    if (!parsed.ok) throw new HttpError(400, "invalid_request", parsed.reason);
    const network = servingNetwork(networks, "batch-settlement", parsed.request.paymentRequirements.network);
    return { request: parsed.request, network, batch: parsed.request };
  }
  const parsed = parseFacilitatorRequest(body);
  if (!parsed.ok) throw new HttpError(400, "invalid_request", parsed.reason);
  const { paymentRequirements } = parsed.request;
  return {
    request: parsed.request,
    network: servingNetwork(networks, paymentRequirements.scheme, paymentRequirements.network),
  };
}

function requestedScheme(body: unknown): unknown {
  return (body as { paymentRequirements?: { scheme?: unknown } } | null)?.paymentRequirements?.scheme;
}

/** The network that serves this scheme, or a 400 naming what this facilitator does serve. */
function servingNetwork(networks: Map<string, EvmNetwork>, scheme: string, networkId: string): EvmNetwork {
  const network = networks.get(networkId);
  if (!(SCHEMES as readonly string[]).includes(scheme) || !network) {
    const served = `${SCHEMES.join(" and ")} on ${[...networks.keys()].join(", ")}`;
    const reason = `unsupported scheme/network "${scheme}" on ${networkId}; this facilitator serves ${served}`;
    throw new HttpError(400, "unsupported_scheme_or_network", reason);
  }
  return network;
}

/** A failed verify/settle as the error to answer with: the chain unreachable is a 502 naming it. */
function failure(error: unknown, network: EvmNetwork): unknown {
  if (error instanceof RpcUnavailableError || isTransportError(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new HttpError(502, "rpc_unavailable", reason, { network: network.network });
  }
  return error;
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
