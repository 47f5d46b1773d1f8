/** Every error the platform's workers answer with: one JSON shape, an explicit status, a reason that says what to do. */
export interface ErrorBody {
  error: { code: string; message: string; [detail: string]: unknown };
}

/** Builds the platform's JSON error response. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  headers: HeadersInit = {},
): Response {
  const body: ErrorBody = { error: { code, message, ...details } };
  return Response.json(body, { status, headers });
}

/** A typed error carrying its HTTP answer; thrown deep, turned into a response in one place (`errorToResponse`). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }

  toResponse(): Response {
    return errorResponse(this.status, this.code, this.message, this.details, this.headers);
  }
}

/**
 * The one place errors become responses: an `HttpError` answers as itself; anything else is the
 * platform's own fault, logged here and answered as a 500 that leaks nothing.
 */
export function errorToResponse(error: unknown, what: string, message: string): Response {
  if (error instanceof HttpError) return error.toResponse();
  console.error(`${what} fault`, error);
  return errorResponse(500, "internal_error", message);
}
