import type { ApiRecord } from "../api-record.ts";

/** x402's `/.well-known/x402` fan-out: every paid resource's URL (x402scan's legacy discovery path). */
export function wellKnownX402(apis: readonly ApiRecord[], origin: string) {
  return {
    version: 1,
    resources: apis.flatMap((api) =>
      api.kind === "data"
        ? [`${origin}/${api.slug}`, `${origin}/${api.slug}/schema`]
        : [`${origin}/${api.slug}`],
    ),
    instructions: `Pay-per-call APIs paid with x402. Machine-readable: ${origin}/openapi.json; for agents: ${origin}/llms.txt and MCP at ${origin}/mcp.`,
  };
}
