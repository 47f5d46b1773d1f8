import { getAddress, isAddress } from "viem";
import { z } from "zod";
import { isDeniedHostname } from "../../runtime/outbound/egress-policy.ts";
import { parseUsdPrice } from "../price.ts";
import { inputSchemaField, nonScalarProperties, outputSchemaField } from "./io-schema.ts";

/** Slugs become the first path segment and the worker name: lowercase, url-safe, no edge dashes. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
/** Paths the dispatch worker answers itself; an API may not shadow them. */
export const RESERVED_SLUGS = [
  "health",
  "catalog",
  "discovery",
  "admin",
  "api",
  "well-known",
  "creators",
  // Agents' discovery surfaces (dotted names like openapi.json can never be slugs anyway).
  "mcp",
  "openapi",
  "llms",
  "favicon",
  // The web pages.
  "dashboard",
  "assets",
] as const;
/** Bindings the platform sets on a creator worker itself; a secret may not take their names. */
export const PLATFORM_BINDING_NAMES = ["API_SLUG", "DATA_KEY", "DATA"] as const;
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_PRICE_ATOMIC = 1_000_000_000n; // $1000: a guard against a misplaced decimal point.

const hostname = z
  .string()
  .regex(/^(\*\.)?(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: "must be a lowercase DNS hostname such as api.example.com (optionally *.example.com)",
  })
  .refine((host) => !isDeniedHostname(host.replace(/^\*\./, "")), {
    message: "names an internal or metadata host, which the outbound worker always denies",
  });

const checksumAddress = z.string().superRefine((value, ctx) => {
  if (!isAddress(value, { strict: false })) {
    ctx.addIssue({ code: "custom", message: "is not a 0x-prefixed 20-byte hex address" });
  } else if (getAddress(value) !== value) {
    ctx.addIssue({
      code: "custom",
      message: `fails its EIP-55 checksum; the checksummed form is ${getAddress(value)}`,
    });
  }
});

/** A USD amount as creators write it ("$0.001"): positive, at most the per-call ceiling. */
const usdPrice = z.string().superRefine((value, ctx) => {
  const atomic = parseUsdPrice(value);
  if (atomic === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not a USD price like "$0.001" (at most 6 decimals)`,
    });
  } else if (atomic <= 0n) {
    ctx.addIssue({ code: "custom", message: "must be greater than $0" });
  } else if (atomic > MAX_PRICE_ATOMIC) {
    ctx.addIssue({ code: "custom", message: "is above the $1000 per-call ceiling" });
  }
});

/** The creator API manifest (`stacks/<stack>/apis/<slug>/api.yaml`), shared by every tool. */
export const apiManifestSchema = z
  .strictObject({
    slug: z
      .string()
      .regex(SLUG_PATTERN, {
        message: "must be 1-48 lowercase letters, digits or dashes, not starting/ending with a dash",
      })
      .refine((slug) => !(RESERVED_SLUGS as readonly string[]).includes(slug), {
        message: `is reserved by the gateway (${RESERVED_SLUGS.join(", ")})`,
      }),
    title: z.string().trim().min(1).max(80),
    description: z.string().trim().min(1).max(500),
    owner: checksumAddress,
    // The price of one call; with usage pricing (`pricing: usage` or `pricePerRow`), the most one call costs.
    price: usdPrice,
    // fixed: every call pays `price`. usage: a call pays what it used, at most `price` (a data API
    // per returned row with `pricePerRow`; a function by reporting its charge in x-402claw-charge).
    pricing: z.enum(["fixed", "usage"]).optional(),
    // Data APIs: USD per returned row; a call is charged min(rows × pricePerRow, price).
    pricePerRow: usdPrice.optional(),
    kind: z.enum(["data", "function"]),
    source: z
      .string()
      .min(1)
      .max(200)
      .refine((path) => !path.startsWith("/") && !path.split(/[\\/]/).includes(".."), {
        message: "must be a path inside the API folder (no leading / and no ..)",
      }),
    settle: z.enum(["after", "before"]).default("after"),
    // A per-API platform fee; the stack's platformFeeBpsMin/Max bound it when the split is resolved.
    platformFeeBps: z.number().int().min(0).max(10_000).optional(),
    limits: z
      .strictObject({
        cpuMs: z.number().int().min(1).max(30_000).optional(),
        ratePerMinute: z.number().int().min(1).max(100_000).optional(),
      })
      .optional(),
    egress: z.array(hostname).max(20).optional(),
    // Names only: values come from Pulumi secret config (deployed) or the folder's .dev.vars (local).
    secrets: z
      .array(
        z
          .string()
          .regex(SECRET_NAME_PATTERN, {
            message: "secret names are letters, digits and _ (not starting with a digit), ≤ 64 chars",
          })
          .refine((name) => !(PLATFORM_BINDING_NAMES as readonly string[]).includes(name), {
            message: `is a name the platform binds itself (${PLATFORM_BINDING_NAMES.join(", ")})`,
          }),
      )
      .max(32)
      .refine((names) => new Set(names).size === names.length, { message: "lists a name twice" })
      .optional(),
    tags: z
      .array(
        z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, {
          message: "tags are lowercase words with dashes, ≤ 32 chars",
        }),
      )
      .max(10)
      .optional(),
    example: z
      .string()
      .max(300)
      .regex(/^[/?]/, { message: "must start with / or ? (a path and query relative to the API)" })
      .optional(),
    // How callers send a function's input: GET (query parameters, the default) or POST (a JSON body).
    method: z.enum(["GET", "POST"]).optional(),
    input: inputSchemaField.optional(),
    output: outputSchemaField.optional(),
  })
  .superRefine((manifest, ctx) => {
    if (manifest.kind === "data") {
      for (const field of ["method", "input", "output"] as const) {
        if (manifest[field] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: "is only for function APIs; a data API's input and output come from its columns",
          });
        }
      }
    }
    usagePricingProblems(manifest, ctx);
    const scalarOnly = manifest.kind === "function" && (manifest.method ?? "GET") === "GET";
    const nested = scalarOnly ? nonScalarProperties(manifest.input) : [];
    if (nested.length) {
      ctx.addIssue({
        code: "custom",
        path: ["input"],
        message: `properties ${nested.join(", ")} are not string, number, integer or boolean, which a GET query string cannot carry`,
      });
    }
    if (manifest.kind === "data" && manifest.egress?.length) {
      ctx.addIssue({
        code: "custom",
        path: ["egress"],
        message: "is only for function APIs; data APIs make no outgoing requests",
      });
    }
    if (manifest.kind === "data" && manifest.secrets?.length) {
      ctx.addIssue({
        code: "custom",
        path: ["secrets"],
        message: "is only for function APIs; data APIs run no creator code",
      });
    }
    const extension = manifest.source.split(".").pop()?.toLowerCase() ?? "";
    const allowed = manifest.kind === "data" ? ["csv", "json"] : ["ts", "js", "mjs", "py"];
    if (!allowed.includes(extension)) {
      ctx.addIssue({
        code: "custom",
        path: ["source"],
        message: `a ${manifest.kind} API's source must end in ${allowed.map((e) => `.${e}`).join(" or ")}`,
      });
    }
  });

/** Usage pricing must be complete and bounded: a data API prices rows, a function reports its charge. */
function usagePricingProblems(
  manifest: { kind: "data" | "function"; price: string; pricing?: "fixed" | "usage"; pricePerRow?: string },
  ctx: z.RefinementCtx,
): void {
  const { kind, pricing, pricePerRow } = manifest;
  if (pricePerRow !== undefined && kind === "function") {
    ctx.addIssue({
      code: "custom",
      path: ["pricePerRow"],
      message:
        "is only for data APIs; a function charges by usage with pricing: usage and an x-402claw-charge response header",
    });
  } else if (pricePerRow !== undefined && pricing === "fixed") {
    ctx.addIssue({
      code: "custom",
      path: ["pricing"],
      message: "is fixed, but pricePerRow charges by usage: remove pricing (or set pricing: usage)",
    });
  } else if (kind === "data" && pricing === "usage" && pricePerRow === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["pricePerRow"],
      message: 'is required for a data API priced by usage: the price of one returned row, e.g. "$0.0001"',
    });
  }
  const perRow = pricePerRow === undefined ? undefined : parseUsdPrice(pricePerRow);
  const max = parseUsdPrice(manifest.price);
  if (perRow !== undefined && max !== undefined && perRow > max) {
    ctx.addIssue({
      code: "custom",
      path: ["pricePerRow"],
      message: `(${pricePerRow}) is above price (${manifest.price}), the most one call may cost: one row would already reach it`,
    });
  }
}

export type ApiManifest = z.output<typeof apiManifestSchema>;
export type ApiManifestInput = z.input<typeof apiManifestSchema>;
