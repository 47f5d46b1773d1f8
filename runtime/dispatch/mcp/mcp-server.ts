import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import type { ApiRecord } from "../api-record.ts";
import { type CallApi, callApiTool, PAYMENT_META, PAYMENT_RESPONSE_META } from "./tool-call.ts";
import { toolFor } from "./tools.ts";
import { ZodJsonSchemaValidator } from "./zod-schema-validator.ts";

/** What the MCP endpoint needs from the gateway for one request. */
export interface McpContext {
  name: string;
  version: string;
  origin: string;
  /** Every active API (the catalog, cached per isolate). */
  listApis: () => Promise<ApiRecord[]>;
  callApi: CallApi;
  maxBodyBytes: number;
}

const validator = new ZodJsonSchemaValidator();
/** tools/list pages (MCP cursors): a large marketplace's tool list stays a bounded answer. */
export const TOOLS_PER_PAGE = 100;

function pageStart(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,9}$/.test(cursor)) throw new McpError(ErrorCode.InvalidParams, `invalid cursor '${cursor}'`);
  return Number(cursor);
}

/**
 * A function's declared input is its contract: arguments that break it are refused before any
 * quote or signature (a data API's query is checked by the API itself, with a 400 naming it).
 */
function argumentProblem(api: ApiRecord, args: Record<string, unknown>): string | undefined {
  if (api.kind !== "function" || !api.inputSchema) return undefined;
  let check: ReturnType<typeof validator.getValidator>;
  try {
    check = validator.getValidator(api.inputSchema);
  } catch {
    return undefined; // checked at build (core/manifest/io-schema.ts); if not, the function validates
  }
  const result = check(args);
  return result.valid ? undefined : result.errorMessage;
}

/**
 * `POST /mcp`: MCP over Streamable HTTP, stateless (any isolate can answer any request), JSON
 * responses. The SDK binds one server to one transport and a stateless transport serves one
 * request, so both are made per request; the tools come from the cached catalog.
 */
export async function handleMcpRequest(request: Request, context: McpContext): Promise<Response> {
  const server = new Server(
    { name: context.name, version: context.version },
    {
      capabilities: { tools: { listChanged: false } },
      instructions: `Pay-per-call APIs, one tool per API. Calls are paid with x402: an unpaid call returns isError with the PaymentRequired; retry with the signed PaymentPayload in _meta["${PAYMENT_META}"]. Where the PaymentRequired lists batch-settlement first, pay through a payment channel (one deposit, then a signed voucher per call with no transaction; hand each result's _meta["${PAYMENT_RESPONSE_META}"] to your x402 client so it keeps the channel state); exact is one transfer per call. A failed call is not charged. Catalog: ${context.origin}/llms.txt`,
      jsonSchemaValidator: validator,
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async (list) => {
    const apis = await context.listApis();
    const start = pageStart(list.params?.cursor);
    const page = apis.slice(start, start + TOOLS_PER_PAGE);
    const next = start + TOOLS_PER_PAGE < apis.length ? { nextCursor: String(start + TOOLS_PER_PAGE) } : {};
    return { tools: page.map((api) => toolFor(api, context.origin)), ...next };
  });
  server.setRequestHandler(CallToolRequestSchema, async (call) => {
    const api = (await context.listApis()).find((candidate) => candidate.slug === call.params.name);
    if (!api)
      throw new McpError(
        ErrorCode.InvalidParams,
        `no tool named '${call.params.name}'; tools/list lists them`,
      );
    const args = call.params.arguments ?? {};
    const problem = argumentProblem(api, args);
    if (problem) {
      return {
        isError: true,
        content: [
          { type: "text", text: `invalid arguments for ${api.slug} (nothing was charged): ${problem}` },
        ],
      };
    }
    const payment = call.params._meta?.[PAYMENT_META];
    return callApiTool(api, args, payment, context.origin, context.callApi);
  });
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    maxRequestBodySize: context.maxBodyBytes,
  });
  await server.connect(transport);
  return transport.handleRequest(request);
}
