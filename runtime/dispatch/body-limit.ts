import { HttpError } from "../shared/http-error.ts";

/**
 * Reads a request body into memory, refusing more than `maxBytes` with 413 — from the declared
 * Content-Length when there is one, and by counting when the body is chunked.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<ArrayBuffer | null> {
  if (!request.body) return null;
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body.buffer;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, "body_too_large", `request body is larger than the ${maxBytes}-byte limit`, {
    maxBytes,
  });
}
