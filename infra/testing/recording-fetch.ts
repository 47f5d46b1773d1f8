// A scripted stand-in for global fetch that records every request the providers make, so tests
// can assert method, URL, headers and body against the Cloudflare API documentation.

/** One request as the provider sent it; multipart bodies are parsed into their parts. */
export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  text?: string;
  json?: unknown;
  form?: FormData;
}

/** A canned answer: status plus a Cloudflare envelope (or a raw body). */
export interface CannedResponse {
  status?: number;
  result?: unknown;
  errors?: Array<{ code: number; message: string }>;
  raw?: string;
  headers?: Record<string, string>;
}

type Route = (request: RecordedRequest) => CannedResponse | undefined;

export const TEST_BASE_URL = "https://cf.test/client/v4";

/** Builds a fetch that answers with the first route that returns a response (default: 200 ok). */
export function recordingFetch(routes: Route[] = []) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const recorded: RecordedRequest = {
      method: init.method ?? "GET",
      url,
      path: url.replace(TEST_BASE_URL, ""),
      headers,
    };
    if (init.body instanceof FormData) recorded.form = init.body;
    else if (typeof init.body === "string") {
      recorded.text = init.body;
      if (headers["content-type"] === "application/json") recorded.json = JSON.parse(init.body);
    }
    requests.push(recorded);
    const canned = routes.map((route) => route(recorded)).find((answer) => answer !== undefined) ?? {};
    const status = canned.status ?? 200;
    const body =
      canned.raw ??
      JSON.stringify({
        success: status < 400,
        errors: canned.errors ?? [],
        messages: [],
        result: canned.result ?? null,
      });
    return new Response(status === 204 ? null : body, {
      status,
      headers: { "content-type": "application/json", ...canned.headers },
    });
  };
  return { fetch, requests };
}

/** Route helper: answer `response` when method and path match (path may be a RegExp). */
export function on(
  method: string,
  path: string | RegExp,
  response: CannedResponse | ((r: RecordedRequest) => CannedResponse),
): Route {
  return (request) => {
    const matches =
      request.method === method &&
      (typeof path === "string" ? request.path === path : path.test(request.path));
    if (!matches) return undefined;
    return typeof response === "function" ? response(request) : response;
  };
}

/** Route helper: answer the first `count` matching requests with `response`, then fall through. */
export function times(count: number, route: Route): Route {
  let left = count;
  return (request) => {
    if (left <= 0) return undefined;
    const answer = route(request);
    if (answer) left--;
    return answer;
  };
}
