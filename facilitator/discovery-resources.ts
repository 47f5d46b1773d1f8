import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import {
  type DiscoveryResource,
  type DiscoveryResourcesResponse,
  extractDiscoveryInfo,
} from "@x402/extensions/bazaar";
import { Hono } from "hono";
import { HttpError } from "../runtime/shared/http-error.ts";

/** Resources remembered at most (the oldest is forgotten first): the listing's memory stays bounded. */
export const MAX_DISCOVERED_RESOURCES = 10_000;
/** Discovery blocks whose verdict is remembered; the memory is dropped whole when it fills. */
const MAX_REMEMBERED_VERDICTS = 1_000;
const MAX_PAGE = 1000;

/**
 * x402's Bazaar as a facilitator keeps it: every resource whose payment this facilitator verified,
 * described by the discovery block its payer echoed (validated with x402's own validator).
 */
export class DiscoveryCatalog {
  private readonly resources = new Map<string, DiscoveryResource>();
  /**
   * x402's validator compiles the block's JSON Schema with ajv on every call (~13 ms of CPU, on the
   * verify path of every paid call). A resource sends the same block call after call, so each
   * distinct block is validated once and its verdict remembered.
   */
  private readonly verdicts = new Map<string, boolean>();

  /** Records the resource of a payment found valid; a payment without a valid discovery block is skipped. */
  record(payload: PaymentPayload, requirements: PaymentRequirements): void {
    const block = JSON.stringify(payload.extensions?.bazaar ?? null);
    const known = this.verdicts.get(block);
    if (known === false) return;
    const found = extractDiscoveryInfo(payload, requirements, known === undefined);
    if (known === undefined) {
      if (this.verdicts.size >= MAX_REMEMBERED_VERDICTS) this.verdicts.clear();
      this.verdicts.set(block, found !== null);
    }
    if (!found) return;
    const type = found.discoveryInfo.input.type;
    const method = "method" in found ? found.method : undefined;
    const key = `${method ?? type} ${found.resourceUrl}`;
    this.resources.delete(key);
    if (this.resources.size >= MAX_DISCOVERED_RESOURCES) {
      const oldest = this.resources.keys().next().value;
      if (oldest !== undefined) this.resources.delete(oldest);
    }
    this.resources.set(key, {
      resource: found.resourceUrl,
      type,
      x402Version: found.x402Version,
      accepts: [requirements],
      lastUpdated: new Date().toISOString(),
      ...(found.description ? { description: found.description } : {}),
      ...(found.mimeType ? { mimeType: found.mimeType } : {}),
      ...(payload.extensions ? { extensions: { bazaar: payload.extensions.bazaar } } : {}),
    });
  }

  /** One page of the listing, newest last, filtered as x402's `ListDiscoveryResourcesParams` say. */
  list(params: URLSearchParams): DiscoveryResourcesResponse {
    const limit = whole(params.get("limit"), 100, 1, MAX_PAGE, "limit");
    const offset = whole(params.get("offset"), 0, 0, Number.MAX_SAFE_INTEGER, "offset");
    const type = params.get("type");
    const payTo = params.get("payTo")?.toLowerCase();
    const scheme = params.get("scheme");
    const network = params.get("network");
    const matching = [...this.resources.values()].filter(
      (item) =>
        (!type || item.type === type) &&
        item.accepts.some(
          (accepted) =>
            (!payTo || accepted.payTo.toLowerCase() === payTo) &&
            (!scheme || accepted.scheme === scheme) &&
            (!network || accepted.network === network),
        ),
    );
    return {
      x402Version: 2,
      items: matching.slice(offset, offset + limit),
      pagination: { limit, offset, total: matching.length },
    };
  }
}

/** `GET /discovery/resources`: the listing `withBazaar(client).extensions.bazaar.listResources()` reads. */
export function discoveryRoutes(catalog: DiscoveryCatalog): Hono {
  const app = new Hono();
  app.get("/discovery/resources", (c) => c.json(catalog.list(new URL(c.req.url).searchParams)));
  return app;
}

function whole(text: string | null, fallback: number, min: number, max: number, name: string): number {
  if (text === null || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(400, "invalid_request", `${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}
