import { z } from "zod";
import { HttpError } from "../../shared/http-error.ts";
import { readBodyWithin } from "../body-limit.ts";

// Creator requests are a few small fields; nothing legitimate comes close.
const MAX_BYTES = 16 * 1024;

/** The request's JSON body checked against `schema`; a 400 names what is wrong. */
export async function jsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const bytes = await readBodyWithin(request, MAX_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes ?? new ArrayBuffer(0)));
  } catch {
    throw new HttpError(400, "bad_request", "the body must be JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, "bad_request", z.prettifyError(parsed.error));
  return parsed.data;
}
