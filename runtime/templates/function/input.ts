/** What a creator's function handler receives. */
export interface FunctionInput {
  request: Request;
  method: string;
  /** Path relative to the API, e.g. "/convert". */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, text for other content types, undefined without a body. */
  body: unknown;
  slug: string;
  /** The worker's bindings: the API's secrets (`env.NAME`) and platform vars such as API_SLUG. */
  env: Record<string, unknown>;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/** Parses the request into the handler's input; a malformed JSON body is the caller's 400. */
export async function readInput(
  request: Request,
  env: Record<string, unknown>,
): Promise<FunctionInput | Response> {
  const url = new URL(request.url);
  let body: unknown;
  if (request.body) {
    const text = await request.clone().text();
    if (text && JSON_TYPE.test(request.headers.get("content-type") ?? "")) {
      try {
        body = JSON.parse(text);
      } catch {
        return Response.json(
          { error: { code: "invalid_json", message: "the request body is not valid JSON" } },
          { status: 400 },
        );
      }
    } else if (text) {
      body = text;
    }
  }
  return {
    request,
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body,
    slug: String(env.API_SLUG ?? ""),
    env,
  };
}
