import { HttpError } from "../shared/http-error.ts";
import { readCapped } from "../shared/read-capped.ts";

/**
 * Reads a request body into memory, refusing more than `maxBytes` with 413 — from the declared
 * Content-Length when there is one, and by counting when the body is chunked.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<ArrayBuffer | null> {
  if (!request.body) return null;
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const { bytes, overflow } = await readCapped(request.body, maxBytes);
  if (overflow) throw tooLarge(maxBytes);
  return bytes.buffer;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, "body_too_large", `request body is larger than the ${maxBytes}-byte limit`, {
    maxBytes,
  });
}
