import { decodePaymentRequiredHeader } from "@x402/core/http";
import { validateDiscoveryExtension } from "@x402/extensions/bazaar";

/** What an OpenAPI-first indexer following x402scan's convention (docs/DISCOVERY.md) finds at an origin. */
export interface DiscoveryAudit {
  /** Every paid resource URL that registered cleanly (402 with accepts and a Bazaar input schema). */
  resources: string[];
  warnings: string[];
  errors: string[];
}

type Operation = {
  "x-payment-info"?: {
    protocols?: unknown;
    pricingMode?: string;
    price?: unknown;
    minPrice?: unknown;
    maxPrice?: unknown;
  };
  security?: unknown;
  responses?: Record<string, unknown>;
};

const METHODS = ["get", "post", "put", "patch", "delete"];

/**
 * Audits an origin the way x402scan registers a server: OpenAPI first (`/openapi.json`, then
 * `/.well-known/openapi.json`), every paid operation declared and probed for a parseable 402 with
 * an input schema, free operations declaring `security: []`, plus the recommended extras (favicon,
 * `info.contact`, `x-discovery.llmsTxtUrl`).
 */
export async function auditDiscovery(origin: string): Promise<DiscoveryAudit> {
  const audit: DiscoveryAudit = { resources: [], warnings: [], errors: [] };
  const document =
    (await fetchJson(`${origin}/openapi.json`)) ?? (await fetchJson(`${origin}/.well-known/openapi.json`));
  if (!document) {
    audit.errors.push("no OpenAPI document at /openapi.json or /.well-known/openapi.json");
    return audit;
  }
  const info = document.info as { title?: unknown; version?: unknown; contact?: unknown } | undefined;
  if (typeof document.openapi !== "string") audit.errors.push("openapi is not a string");
  if (typeof info?.title !== "string" || typeof info.version !== "string")
    audit.errors.push("info.title/version missing");
  if (!info?.contact) audit.warnings.push("info.contact is missing (recommended)");
  const llms = (document["x-discovery"] as { llmsTxtUrl?: string } | undefined)?.llmsTxtUrl;
  if (!llms) audit.warnings.push("x-discovery.llmsTxtUrl is missing");
  else if (!(await fetch(llms)).ok) audit.warnings.push(`llms.txt at ${llms} does not answer 200`);
  const favicon = await fetch(`${origin}/favicon.ico`);
  if (!favicon.ok || !favicon.headers.get("content-type")?.startsWith("image/"))
    audit.warnings.push("no favicon");
  await favicon.arrayBuffer();
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const payment = operation["x-payment-info"];
      if (!payment) {
        if (operation.security === undefined)
          audit.warnings.push(`${where}: neither x-payment-info nor security`);
        continue;
      }
      if (!Array.isArray(payment.protocols) || !payment.protocols.includes("x402"))
        audit.errors.push(`${where}: x-payment-info.protocols lacks x402`);
      const priced =
        (payment.pricingMode === "fixed" && typeof payment.price === "string") ||
        (payment.pricingMode === "range" &&
          payment.minPrice !== undefined &&
          payment.maxPrice !== undefined) ||
        payment.pricingMode === "quote";
      if (!priced) audit.errors.push(`${where}: x-payment-info has no valid pricing`);
      if (!operation.responses?.["402"]) audit.errors.push(`${where}: no 402 response declared`);
      const problem = await probe(`${origin}${path}`, method.toUpperCase());
      if (problem) audit.errors.push(`${where}: ${problem}`);
      else audit.resources.push(`${origin}${path}`);
    }
  }
  return audit;
}

/** Probes one resource unpaid: a 402 with a parseable PAYMENT-REQUIRED, non-empty accepts and an input schema. */
async function probe(url: string, method: string): Promise<string | undefined> {
  const response = await fetch(url, { method });
  await response.arrayBuffer();
  if (response.status !== 402) return `expected 402, got ${response.status}`;
  const header = response.headers.get("payment-required");
  if (!header) return "402 without a PAYMENT-REQUIRED header";
  const required = decodePaymentRequiredHeader(header);
  if (!required.accepts?.length) return "accepts must contain at least one valid payment requirement";
  const bazaar = required.extensions?.bazaar as
    | {
        info?: { input?: unknown };
        schema?: { properties?: { input?: { properties?: Record<string, unknown> } } };
      }
    | undefined;
  const input = bazaar?.schema?.properties?.input?.properties ?? {};
  if (!bazaar?.info?.input || !(input.queryParams || input.body)) return "missing input schema";
  // As a Bazaar catalog does: the declared example must satisfy the declared schema.
  const valid = validateDiscoveryExtension(bazaar as Parameters<typeof validateDiscoveryExtension>[0]);
  if (!valid.valid) return `invalid discovery block: ${valid.errors?.join(", ")}`;
  return undefined;
}

async function fetchJson(url: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(url);
  if (!response.ok) {
    await response.arrayBuffer();
    return undefined;
  }
  return (await response.json()) as Record<string, unknown>;
}
